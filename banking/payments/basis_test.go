package payments_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
)

// consented is a tenant holding a live consent with payments:initiate on e.from.
type consented struct {
	tenant, consent uuid.UUID
	grant           auth.Grant
}

func (e *env) consentOnFrom(t *testing.T) consented {
	t.Helper()
	tenant := &models.Tenant{ClientID: "erp-" + uuid.NewString()[:8], Name: "ERP"}
	if err := e.db.Create(tenant).Error; err != nil {
		t.Fatal(err)
	}
	c := &models.Consent{TenantID: tenant.ID, AccountID: &e.from, Scopes: []string{auth.ScopePaymentsInitiate}, RedirectURI: "https://erp.example/cb",
		Status: "AUTHORISED", LinkExpiresAt: e.now.Add(time.Hour), ExpiresAt: e.now.Add(365 * 24 * time.Hour)}
	if err := e.db.Create(c).Error; err != nil {
		t.Fatal(err)
	}
	return consented{tenant: tenant.ID, consent: c.ID, grant: auth.Grant{TenantID: &tenant.ID, Actor: "tenant:" + tenant.ClientID, Basis: auth.ByConsent}}
}

// endConsent revokes the consent the way consent.Service does: the status changes and, in the same
// transaction, the end hook stops the tenant's cash-out.
func (e *env) endConsent(t *testing.T, c consented, hook bool) {
	t.Helper()
	err := e.db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE consents SET status = 'REVOKED' WHERE id = ?", c.consent).Error; err != nil {
			return err
		}
		if !hook {
			return nil
		}
		return e.svc.StopForEndedConsent(context.Background(), tx, c.tenant, e.from, "REVOKED")
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := e.db.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestARevokedConsentStopsTheCashOutItAllowedInTheSameTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.consentOnFrom(t)
	mk := func(key string, day *brazil.Date) uuid.UUID {
		p, err := e.svc.CreateInternalTransfer(ctx, c.grant, payments.InternalTransferInput{
			Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: key, ScheduledFor: day}, TargetAccountCode: e.toCode})
		if err != nil || payments.Status(p.Status) != payments.StatusCreated {
			t.Fatalf("%+v %v", p, err)
		}
		return p.ID
	}
	day := brazil.NewDate(2026, 11, 25)
	awaiting, approved, scheduled := mk("awaiting", nil), mk("approved", nil), mk("scheduled", &day)
	if _, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{approved, scheduled}); err != nil {
		t.Fatal(err)
	}
	if e.status(t, approved) != payments.StatusApproved || e.status(t, scheduled) != payments.StatusScheduled {
		t.Fatalf("before revocation: %s %s", e.status(t, approved), e.status(t, scheduled))
	}
	// The tenant's own account is not touched: a Treasury payment there runs on.
	entries := e.count(t, "ledger_entries")

	e.endConsent(t, c, true)
	want := map[uuid.UUID]payments.Status{awaiting: payments.StatusCancelled, approved: payments.StatusFailed, scheduled: payments.StatusCancelled}
	for id, st := range want {
		p, err := e.svc.Get(ctx, id)
		if err != nil || payments.Status(p.Status) != st {
			t.Fatalf("payment %s: %s (%v), want %s", id, p.Status, err, st)
		}
		if st == payments.StatusFailed && (p.FailureReason == nil || *p.FailureReason != payments.ReasonConsentRevoked) {
			t.Errorf("failed payment's reason %v, want %s", p.FailureReason, payments.ReasonConsentRevoked)
		}
		var reason *string
		if err := e.db.Raw("SELECT reason FROM events WHERE payment_id = ? ORDER BY id DESC LIMIT 1", id).Scan(&reason).Error; err != nil ||
			reason == nil || *reason != payments.ReasonConsentRevoked {
			t.Errorf("payment %s: last event's reason %v (%v), want %s", id, reason, err, payments.ReasonConsentRevoked)
		}
	}
	var scheduledCents int64
	if err := e.db.Raw("SELECT scheduled_cents FROM ledger_accounts WHERE account_id = ?", e.from).Scan(&scheduledCents).Error; err != nil || scheduledCents != 0 {
		t.Errorf("scheduled balance %d (%v) after the scheduled payment was cancelled", scheduledCents, err)
	}
	e.run(t) // the queued executions find nothing to run
	if got := e.count(t, "ledger_entries"); got != entries {
		t.Fatalf("ledger entries %d → %d: a payment of a revoked consent posted", entries, got)
	}
}

func TestTheHolderCannotApproveAPaymentWhoseConsentEnded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.consentOnFrom(t)
	p, err := e.svc.CreateInternalTransfer(ctx, c.grant, payments.InternalTransferInput{
		Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "late"}, TargetAccountCode: e.toCode})
	if err != nil {
		t.Fatal(err)
	}
	e.endConsent(t, c, false) // a payment that escaped the end hook (created in a race with it)
	_, err = e.svc.Approve(ctx, "holder:x", []uuid.UUID{p.ID})
	if e2, ok := apperr.As(err); !ok || e2.Code != apperr.ConsentRequired {
		t.Fatalf("approving: %v, want CONSENT_REQUIRED", err)
	}
	if e.status(t, p.ID) != payments.StatusCreated || len(e.q.drain()) != 0 {
		t.Fatal("a refused approval changed the payment or queued it")
	}
	if _, err := e.svc.Reject(ctx, "holder:x", []uuid.UUID{p.ID}, nil); err != nil {
		t.Fatalf("the holder may still reject it: %v", err)
	}
}

func TestExecutionChecksTheConsentAgainAndNeverPostsWithoutIt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.consentOnFrom(t)
	p, err := e.svc.CreateInternalTransfer(ctx, c.grant, payments.InternalTransferInput{
		Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "exec"}, TargetAccountCode: e.toCode})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{p.ID}); err != nil {
		t.Fatal(err)
	}
	entries := e.count(t, "ledger_entries")
	e.endConsent(t, c, false) // the consent ends behind the payments domain's back
	e.run(t)
	got, err := e.svc.Get(ctx, p.ID)
	if err != nil || payments.Status(got.Status) != payments.StatusFailed || got.FailureReason == nil || *got.FailureReason != payments.ReasonConsentEnded {
		t.Fatalf("%s %v (%v), want FAILED consent_ended", got.Status, got.FailureReason, err)
	}
	if after := e.count(t, "ledger_entries"); after != entries {
		t.Fatalf("ledger entries %d → %d", entries, after)
	}

	t.Run("AnotherLiveConsentKeepsThePaymentsGoing", func(t *testing.T) {
		d := e.consentOnFrom(t)
		second := &models.Consent{TenantID: d.tenant, AccountID: &e.from, Scopes: []string{auth.ScopePaymentsInitiate}, RedirectURI: "https://erp.example/cb",
			Status: "AUTHORISED", LinkExpiresAt: e.now.Add(time.Hour), ExpiresAt: e.now.Add(24 * time.Hour)}
		if err := e.db.Create(second).Error; err != nil {
			t.Fatal(err)
		}
		p, err := e.svc.CreateInternalTransfer(ctx, d.grant, payments.InternalTransferInput{
			Common: payments.Common{AccountID: e.from, Amount: 1_000, IdempotencyKey: "kept"}, TargetAccountCode: e.toCode})
		if err != nil {
			t.Fatal(err)
		}
		e.endConsent(t, d, true)
		if e.status(t, p.ID) != payments.StatusCreated {
			t.Fatalf("%s: the tenant still holds a live consent with payments:initiate", e.status(t, p.ID))
		}
		if _, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{p.ID}); err != nil {
			t.Fatal(err)
		}
		e.run(t)
		if e.status(t, p.ID) != payments.StatusFinished {
			t.Fatalf("%s, want FINISHED", e.status(t, p.ID))
		}
	})
}
