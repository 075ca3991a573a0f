package webhooks_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/webhooks"
)

// consentedAccount opens a holder's account (no tenant owns it) and gives tenant a live consent on
// it; it returns the account and the consent.
func (e *env) consentedAccount(tenant uuid.UUID) (uuid.UUID, uuid.UUID) {
	e.t.Helper()
	var acc struct{ ID uuid.UUID }
	if err := e.db.Raw(`INSERT INTO accounts (name, email, document, document_type, status)
		VALUES ('Holder', 'holder@example.com', ?, 'CPF', 'APPROVED') RETURNING id`, fmt.Sprintf("%011d", rand.Int64N(1e11))).Scan(&acc).Error; err != nil {
		e.t.Fatal(err)
	}
	c := &models.Consent{TenantID: tenant, AccountID: &acc.ID, Scopes: []string{"accounts:read"}, RedirectURI: "https://erp.example/cb",
		Status: "AUTHORISED", LinkExpiresAt: time.Now().Add(time.Hour), ExpiresAt: time.Now().Add(24 * time.Hour)}
	if err := e.db.Create(c).Error; err != nil {
		e.t.Fatal(err)
	}
	return acc.ID, c.ID
}

// accountEvent records a payment event of account for tenant, with reason if one is given.
func (e *env) accountEvent(tenant, account uuid.UUID, name, to string, reason ...string) *events.Event {
	e.t.Helper()
	payment := uuid.New()
	ev := &events.Event{Name: name, Topic: events.TopicPayment, TenantID: &tenant, AccountID: &account, PaymentID: &payment,
		ToStatus: to, Actor: "system"}
	if len(reason) > 0 {
		ev.Reason = &reason[0]
	}
	e.record(ev)
	return ev
}

func (e *env) revokeConsent(id uuid.UUID) {
	e.t.Helper()
	if err := e.db.Exec("UPDATE consents SET status = 'REVOKED', revoked_at = now() WHERE id = ?", id).Error; err != nil {
		e.t.Fatal(err)
	}
}

func TestNoEventOfAnAccountReachesATenantAfterItsConsentEnds(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	ctx := context.Background()
	tenant := e.tenant("erp")
	account, consent := e.consentedAccount(tenant)
	rcv := newReceiver(t, 0)
	ep, _, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	before := e.accountEvent(tenant, account, "cash_out_internal_transfer_created", "CREATED")
	e.waitDelivery(svc, tenant, ep.ID, before, webhooks.StatusSucceeded)

	e.revokeConsent(consent)
	after := e.accountEvent(tenant, account, "cash_out_internal_transfer_cancelled", "CANCELLED")
	// The cancellation of the tenant's own payment because the consent ended is the one event of
	// the account that still reaches it; the same cancellation for another reason does not.
	endedWith := e.accountEvent(tenant, account, "cash_out_internal_transfer_cancelled", "CANCELLED", "consent_revoked")
	otherReason := e.accountEvent(tenant, account, "cash_out_internal_transfer_cancelled", "CANCELLED", "cancelled_by_tenant")
	revoked := e.consentEvent(tenant, "consent_revoked", "REVOKED")
	e.waitDelivery(svc, tenant, ep.ID, revoked, webhooks.StatusSucceeded) // dispatched after `after`: the consent's own event still reaches it
	e.waitDelivery(svc, tenant, ep.ID, endedWith, webhooks.StatusSucceeded)
	for _, ev := range []*events.Event{after, otherReason} {
		if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", ev.ID); n != 0 {
			t.Fatalf("%d deliveries of an event of the account (reason %v) after the consent was revoked", n, ev.Reason)
		}
	}
	got := rcv.accepted()
	if len(got) != 3 || got[webhooks.MessageID(before.ID)] != 1 || got[webhooks.MessageID(revoked.ID)] != 1 || got[webhooks.MessageID(endedWith.ID)] != 1 {
		t.Fatalf("the endpoint received %v, want the event before revocation, the cancellation for consent_revoked and consent_revoked", got)
	}
}

func TestARetryAfterTheConsentEndedSendsNothing(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.Backoff = func(int) time.Duration { return time.Hour }
	svc := e.replica("replica-a", cfg)
	ctx := context.Background()
	tenant := e.tenant("erp")
	account, consent := e.consentedAccount(tenant)
	rcv := newReceiver(t, 1) // down when the event is new
	ep, _, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.accountEvent(tenant, account, "cash_out_internal_transfer_created", "CREATED")
	var d *webhooks.Delivery
	eventually(t, func() bool {
		d = e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusPending)
		return d.Attempts == 1
	}, func() string { return "no first attempt" })

	e.revokeConsent(consent)
	if _, err := svc.Redeliver(ctx, tenant, d.ID); err != nil {
		t.Fatal(err)
	}
	d = e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusFailed)
	if n := len(rcv.requests()); n != 1 || d.LastError == nil {
		t.Fatalf("%d requests, last error %v: a retry after the consent ended was sent", n, d.LastError)
	}
}
