package payments_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/models"
)

// An internal transfer is created the same way for every well-formed code; who can receive on it
// is learnt when it runs. The payer's own refusal comes first (an empty account fails with
// insufficient_balance whatever the code names); a payer that could pay fails with
// invalid_target_account when nobody can receive, and nothing moves; an account approved between
// creation and execution receives.
func TestTheTargetIsCheckedWhenTheTransferRuns(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByOwnership}
	missing := accounts.AccountCode(4_242_424)
	if _, err := accounts.FindByAccountCode(e.db, missing); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("code %s is taken: %v", missing, err)
	}
	transfer := func(t *testing.T, payer uuid.UUID, code, key string) *models.Payment {
		t.Helper()
		p, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{Common: payments.Common{AccountID: payer, Amount: 1_000, IdempotencyKey: key}, TargetAccountCode: code})
		if err != nil {
			t.Fatalf("to %s: %v", code, err)
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
		toApproved, toMissing := transfer(t, empty, fromCode, "empty-approved"), transfer(t, empty, missing, "empty-missing")
		if toApproved.Target.AccountID == nil || toApproved.Target.Name == "" || toMissing.Target != (payments.Target{AccountCode: missing}) {
			t.Fatalf("stored targets: %+v, %+v", toApproved.Target, toMissing.Target)
		}
		if toApproved.Status != toMissing.Status || toApproved.AmountCents != toMissing.AmountCents || toApproved.RunOn != toMissing.RunOn {
			t.Fatalf("created differently: %+v, %+v", toApproved, toMissing)
		}
		before := entries()
		a, m := ran(t, toApproved), ran(t, toMissing)
		if reason(a) != "FAILED insufficient_balance" || reason(m) != reason(a) || entries() != before {
			t.Fatalf("to an approved account: %s; to a missing code: %s; entries %d → %d", reason(a), reason(m), before, entries())
		}
		if m.Target != (payments.Target{AccountCode: missing}) {
			t.Fatalf("a failed transfer's target: %+v", m.Target)
		}
	})

	t.Run("NobodyToReceive", func(t *testing.T) {
		before := entries()
		if got := ran(t, transfer(t, e.from, missing, "missing")); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("to a missing code: %s, entries %d → %d", reason(got), before, entries())
		}
	})

	t.Run("DisabledBetweenCreationAndExecution", func(t *testing.T) {
		p := transfer(t, e.from, e.toCode, "disabled-later")
		if p.Target.AccountID == nil {
			t.Fatalf("an approved target is stored whole: %+v", p.Target)
		}
		e.review(t, e.to, accounts.DecisionDisable)
		before := entries()
		if got := ran(t, p); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("to an account disabled since: %s, entries %d → %d", reason(got), before, entries())
		}
	})

	t.Run("ApprovedBetweenCreationAndExecution", func(t *testing.T) {
		p := transfer(t, e.from, e.toCode, "approved-later") // e.to is disabled: the code alone is stored
		if p.Target != (payments.Target{AccountCode: e.toCode}) {
			t.Fatalf("a target that cannot receive is stored whole: %+v", p.Target)
		}
		e.review(t, e.to, accounts.DecisionApprove)
		got := ran(t, p)
		if reason(got) != "FINISHED" || got.Target.AccountID == nil || *got.Target.AccountID != e.to || got.Target.Name == "" || got.LedgerTransactionID == nil {
			t.Fatalf("to an account approved since: %s, target %+v", reason(got), got.Target)
		}
	})

	t.Run("Blocked", func(t *testing.T) {
		e.review(t, e.to, accounts.DecisionBlock)
		before := entries()
		if got := ran(t, transfer(t, e.from, e.toCode, "blocked")); reason(got) != "FAILED invalid_target_account" || entries() != before {
			t.Fatalf("to a blocked account: %s, entries %d → %d", reason(got), before, entries())
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
