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

func (e *env) accountEvent(tenant, account uuid.UUID, name, to string) *events.Event {
	e.t.Helper()
	payment := uuid.New()
	ev := &events.Event{Name: name, Topic: events.TopicPayment, TenantID: &tenant, AccountID: &account, PaymentID: &payment,
		ToStatus: to, Actor: "system"}
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
	revoked := e.consentEvent(tenant, "consent_revoked", "REVOKED")
	e.waitDelivery(svc, tenant, ep.ID, revoked, webhooks.StatusSucceeded) // dispatched after `after`: the consent's own event still reaches it
	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", after.ID); n != 0 {
		t.Fatalf("%d deliveries of an event of the account after the consent was revoked", n)
	}
	got := rcv.accepted()
	if len(got) != 2 || got[webhooks.MessageID(before.ID)] != 1 || got[webhooks.MessageID(revoked.ID)] != 1 {
		t.Fatalf("the endpoint received %v, want only the event before revocation and consent_revoked", got)
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
