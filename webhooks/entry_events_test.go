package webhooks_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/webhooks"
)

// consentOn gives tenant a live consent with scopes on account and returns it.
func (e *env) consentOn(tenant, account uuid.UUID, scopes ...string) uuid.UUID {
	e.t.Helper()
	c := &models.Consent{TenantID: tenant, AccountID: &account, Scopes: scopes, RedirectURI: "https://erp.example/cb",
		Status: "AUTHORISED", LinkExpiresAt: time.Now().Add(time.Hour), ExpiresAt: time.Now().Add(24 * time.Hour)}
	if err := e.db.Create(c).Error; err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

// entryEvent records a credit on account as the ledger does: no tenant, the entry and its detail.
func (e *env) entryEvent(account uuid.UUID, name string, cents int64) *events.Event {
	e.t.Helper()
	entry, txn := uuid.New(), uuid.New()
	detail, _ := json.Marshal(events.EntryDetail{TransactionID: txn, Kind: "internal", Direction: "CREDIT", Amount: cents,
		Counterparty: &events.EntryCounterparty{AccountID: &txn, Name: "Pagadora Ltda"}})
	ev := &events.Event{Name: name, Topic: events.TopicStatementEntry, AccountID: &account, EntryID: &entry, ToStatus: "CREDIT",
		Actor: "ledger", Detail: detail}
	e.record(ev)
	return ev
}

// TestStatementEntriesGoToEveryTenantThatReadsTheAccount: an entry names no tenant; it goes to the
// account's owner and to every tenant with a live statement:read consent on it, not to a tenant
// consented without that scope nor to one unrelated, and no longer to a tenant whose consent was
// revoked. The payload carries the entry with global IDs.
func TestStatementEntriesGoToEveryTenantThatReadsTheAccount(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	ctx := context.Background()
	owner, reader, narrow, stranger := e.tenant("owner"), e.tenant("reader"), e.tenant("narrow"), e.tenant("stranger")
	account := e.ownedAccount(owner)
	readerConsent := e.consentOn(reader, account, "accounts:read", "statement:read")
	e.consentOn(narrow, account, "accounts:read", "payments:read")
	endpoints := map[uuid.UUID]uuid.UUID{}
	receivers := map[uuid.UUID]*receiver{}
	for _, tenant := range []uuid.UUID{owner, reader, narrow, stranger} {
		receivers[tenant] = newReceiver(t, 0)
		ep, _, err := svc.CreateEndpoint(ctx, tenant, receivers[tenant].URL(), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		endpoints[tenant] = ep.ID
	}

	first := e.entryEvent(account, "cash_in_internal_transfer", 2500)
	// A later event of each tenant left out: once it is delivered, the entry was dispatched.
	for _, tenant := range []uuid.UUID{narrow, stranger} {
		e.waitDelivery(svc, tenant, endpoints[tenant], e.consentEvent(tenant, "consent_authorised", "AUTHORISED"), webhooks.StatusSucceeded)
	}
	for _, tenant := range []uuid.UUID{owner, reader} {
		e.waitDelivery(svc, tenant, endpoints[tenant], first, webhooks.StatusSucceeded)
	}
	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", first.ID); n != 2 {
		t.Fatalf("%d deliveries of the entry, want the owner's and the statement reader's", n)
	}
	req := receivers[reader].requests()
	if len(req) != 1 {
		t.Fatalf("the reader received %d requests", len(req))
	}
	var body struct {
		Type string
		Data struct {
			AccountID string `json:"account_id"`
			EntryID   string `json:"entry_id"`
			Status    string
			Entry     struct {
				TransactionID string `json:"transaction_id"`
				Amount        int64
				Direction     string
				Counterparty  struct {
					AccountID string `json:"account_id"`
					Name      string
				}
			}
		}
	}
	if err := json.Unmarshal(req[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "cash_in_internal_transfer" || body.Data.AccountID != globalid.Encode(globalid.Account, account) ||
		body.Data.EntryID != globalid.Encode(globalid.Entry, *first.EntryID) || body.Data.Status != "CREDIT" ||
		body.Data.Entry.Amount != 2500 || body.Data.Entry.Direction != "CREDIT" || body.Data.Entry.Counterparty.Name != "Pagadora Ltda" {
		t.Fatalf("payload %s", req[0].Body)
	}
	if _, ok := globalid.DecodeAs(body.Data.Entry.TransactionID, globalid.Transaction); !ok {
		t.Fatalf("transaction id %q is no global ID", body.Data.Entry.TransactionID)
	}
	if _, ok := globalid.DecodeAs(body.Data.Entry.Counterparty.AccountID, globalid.Account); !ok {
		t.Fatalf("counterparty account %q is no global ID", body.Data.Entry.Counterparty.AccountID)
	}

	e.revokeConsent(readerConsent)
	second := e.entryEvent(account, "statement_entry_added", 100)
	e.waitDelivery(svc, reader, endpoints[reader], e.consentEvent(reader, "consent_revoked", "REVOKED"), webhooks.StatusSucceeded)
	e.waitDelivery(svc, owner, endpoints[owner], second, webhooks.StatusSucceeded)
	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", second.ID); n != 1 {
		t.Fatalf("%d deliveries of an entry after the reader's consent was revoked, want the owner's only", n)
	}
}

// TestAnEntryRetryAfterTheConsentEndedSendsNothing: a delivery of an entry is judged again before
// each attempt, for the delivery's own tenant.
func TestAnEntryRetryAfterTheConsentEndedSendsNothing(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.Backoff = func(int) time.Duration { return time.Hour }
	svc := e.replica("replica-a", cfg)
	ctx := context.Background()
	owner, reader := e.tenant("owner"), e.tenant("reader")
	account := e.ownedAccount(owner)
	consent := e.consentOn(reader, account, "statement:read")
	rcv := newReceiver(t, 1) // down when the entry is new
	ep, _, err := svc.CreateEndpoint(ctx, reader, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.entryEvent(account, "cash_in_external_transfer", 700)
	var d *webhooks.Delivery
	eventually(t, func() bool {
		d = e.waitDelivery(svc, reader, ep.ID, ev, webhooks.StatusPending)
		return d.Attempts == 1
	}, func() string { return "no first attempt" })
	e.revokeConsent(consent)
	if _, err := svc.Redeliver(ctx, reader, d.ID); err != nil {
		t.Fatal(err)
	}
	d = e.waitDelivery(svc, reader, ep.ID, ev, webhooks.StatusFailed)
	if n := len(rcv.requests()); n != 1 || d.LastError == nil {
		t.Fatalf("%d requests, last error %v: a retry after the consent ended was sent", n, d.LastError)
	}
}
