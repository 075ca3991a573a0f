package payments_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/models"
)

// An internal transfer is created the same way for every well-formed code; who can receive on it
// is learnt when it runs: at once for an instant transfer (the tenant's own account), after the
// holder's approval for one made through consent. The payer's own refusal comes first (an empty
// account fails with insufficient_balance whatever the code names); a payer that could pay fails
// with invalid_target_account when nobody can receive, and nothing moves; an account approved
// between creation and execution receives.
func TestTheTargetIsCheckedWhenTheTransferRuns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	missing := accounts.AccountCode(4_242_424)
	if _, err := accounts.FindByAccountCode(e.db, missing); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("code %s is taken: %v", missing, err)
	}
	// transfer creates an instant transfer: it has run when the call returns, and queued nothing.
	transfer := func(t *testing.T, payer uuid.UUID, code, key string) *models.Payment {
		t.Helper()
		p, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: payer, Amount: 1_000, IdempotencyKey: key}, TargetAccountCode: code})
		if err != nil {
			t.Fatalf("to %s: %v", code, err)
		}
		if q := e.q.drain(); len(q) != 0 {
			t.Fatalf("an instant transfer queued %v", q)
		}
		if got, err := e.svc.Get(ctx, p.ID); err != nil || got.Status != p.Status || !reflect.DeepEqual(got.Target, p.Target) {
			t.Fatalf("answered %s %+v, stored %+v (%v)", p.Status, p.Target, got, err)
		}
		return p
	}
	// waiting creates a transfer through consent and has the holder approve it: it runs later (ran).
	waiting := func(t *testing.T, payer uuid.UUID, code, key string) *models.Payment {
		t.Helper()
		p, err := e.svc.CreateInternalTransfer(ctx, auth.Grant{Actor: "tenant:erp", Basis: auth.ByConsent},
			payments.InternalTransferInput{Common: payments.Common{AccountID: payer, Amount: 1_000, IdempotencyKey: key}, TargetAccountCode: code})
		if err != nil {
			t.Fatalf("to %s: %v", code, err)
		}
		if _, err := e.svc.Approve(ctx, "holder:x", []uuid.UUID{p.ID}); err != nil {
			t.Fatal(err)
		}
		if st := e.status(t, p.ID); st != payments.StatusApproved {
			t.Fatalf("approved transfer is %s before it runs", st)
		}
		return p
	}
	ran := func(t *testing.T, p *models.Payment) *models.Payment {
		t.Helper()
		e.run(t)
		got, err := e.svc.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	reason := func(p *models.Payment) string {
		if p.FailureReason == nil {
			return p.Status
		}
		return p.Status + " " + *p.FailureReason
	}
	entries := func() (n int64) {
		e.db.Table("ledger_entries").Count(&n)
		return n
	}

	t.Run("CreatedAlikeAndFailedAlikeFromAnEmptyAccount", func(t *testing.T) {
		fromCode := e.codeOf(t, e.from)
		empty := e.to // e.to has no money
		before := entries()
		toApproved, toMissing := transfer(t, empty, fromCode, "empty-approved"), transfer(t, empty, missing, "empty-missing")
		if toApproved.Target.AccountID == nil || toApproved.Target.Name == "" || toMissing.Target != (payments.Target{AccountCode: missing}) {
			t.Fatalf("stored targets: %+v, %+v", toApproved.Target, toMissing.Target)
		}
		if toApproved.AmountCents != toMissing.AmountCents || toApproved.RunOn != toMissing.RunOn {
			t.Fatalf("created differently: %+v, %+v", toApproved, toMissing)
		}
		if reason(toApproved) != "FAILED insufficient_balance" || reason(toMissing) != reason(toApproved) || entries() != before {
			t.Fatalf("to an approved account: %s; to a missing code: %s; entries %d → %d", reason(toApproved), reason(toMissing), before, entries())
		}
		// The same through consent, executed after the holder's approval.
		a, m := waiting(t, empty, fromCode, "empty-approved-later"), waiting(t, empty, missing, "empty-missing-later")
		if a, m := ran(t, a), ran(t, m); reason(a) != "FAILED insufficient_balance" || reason(m) != reason(a) || entries() != before {
			t.Fatalf("approved, to an approved account: %s; to a missing code: %s; entries %d → %d", reason(a), reason(m), before, entries())
		}
	})

	t.Run("NobodyToReceive", func(t *testing.T) {
		before := entries()
		if got := transfer(t, e.from, missing, "missing"); reason(got) != "FAILED invalid_target_account" || got.Target != (payments.Target{AccountCode: missing}) || entries() != before {
			t.Fatalf("to a missing code: %s %+v, entries %d → %d", reason(got), got.Target, before, entries())
		}
		if got := ran(t, waiting(t, e.from, missing, "missing-later")); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("approved, to a missing code: %s, entries %d → %d", reason(got), before, entries())
		}
	})

	t.Run("DisabledBetweenCreationAndExecution", func(t *testing.T) {
		p := waiting(t, e.from, e.toCode, "disabled-later")
		if p.Target.AccountID == nil {
			t.Fatalf("an approved target is stored whole: %+v", p.Target)
		}
		e.review(t, e.to, accounts.DecisionDisable)
		before := entries()
		if got := ran(t, p); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("to an account disabled since: %s, entries %d → %d", reason(got), before, entries())
		}
		if got := transfer(t, e.from, e.toCode, "disabled-now"); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("to a disabled account, at once: %s, entries %d → %d", reason(got), before, entries())
		}
	})

	t.Run("ApprovedBetweenCreationAndExecution", func(t *testing.T) {
		p := waiting(t, e.from, e.toCode, "approved-later") // e.to is disabled: the code alone is stored
		if p.Target != (payments.Target{AccountCode: e.toCode}) {
			t.Fatalf("a target that cannot receive is stored whole: %+v", p.Target)
		}
		e.review(t, e.to, accounts.DecisionApprove)
		got := ran(t, p)
		if reason(got) != "FINISHED" || got.Target.AccountID == nil || *got.Target.AccountID != e.to || got.Target.Name == "" || got.LedgerTransactionID == nil {
			t.Fatalf("to an account approved since: %s, target %+v", reason(got), got.Target)
		}
		now := transfer(t, e.from, e.toCode, "approved-now")
		if reason(now) != "FINISHED" || !reflect.DeepEqual(now.Target, got.Target) || now.LedgerTransactionID == nil || now.FinishedAt == nil {
			t.Fatalf("to an approved account, at once: %s, target %+v", reason(now), now.Target)
		}
	})

	t.Run("Blocked", func(t *testing.T) {
		e.review(t, e.to, accounts.DecisionBlock)
		before := entries()
		if got := transfer(t, e.from, e.toCode, "blocked"); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("to a blocked account: %s, entries %d → %d", reason(got), before, entries())
		}
		if got := ran(t, waiting(t, e.from, e.toCode, "blocked-later")); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("approved, to a blocked account: %s, entries %d → %d", reason(got), before, entries())
		}
	})
}

func (e *env) codeOf(t *testing.T, id uuid.UUID) string {
	t.Helper()
	var code string
	if err := e.db.Raw("SELECT account_code FROM bank_accounts WHERE account_id = ?", id).Scan(&code).Error; err != nil || code == "" {
		t.Fatalf("code of %s: %q %v", id, code, err)
	}
	return code
}

func (e *env) review(t *testing.T, id uuid.UUID, d accounts.Decision) {
	t.Helper()
	if _, err := e.accs.Review(context.Background(), id, d, nil, "op"); err != nil {
		t.Fatalf("%s %s: %v", d, id, err)
	}
}
