package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/money"
)

func TestLimits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clk := e.withClock(time.Date(2026, 3, 30, 23, 59, 0, 0, saoPaulo))
	a, b := e.approved(t), e.approved(t)
	// A small plan: R$100.00 a day, R$150.00 a month.
	if err := e.db.Exec("INSERT INTO limit_plans (name, daily_cents, monthly_cents) VALUES ('small', 10000, 15000)").Error; err != nil {
		t.Fatal(err)
	}
	if err := e.db.Exec("UPDATE accounts SET limit_plan_id = (SELECT id FROM limit_plans WHERE name = 'small') WHERE id = ?", a).Error; err != nil {
		t.Fatal(err)
	}
	e.deposit(t, a, 1_000_000)
	n := 0
	transfer := func(amount money.Cents) error {
		n++
		_, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: uuid.NewString(), From: a, To: b, Amount: amount, Fee: 50})
		return err
	}
	usage := func(t *testing.T, daily, monthly money.Cents) {
		t.Helper()
		u, err := e.ledger.LimitUsage(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if u.DailyUsed != daily || u.MonthlyUsed != monthly {
			t.Fatalf("used today %s, this month %s; want %s, %s", u.DailyUsed, u.MonthlyUsed, daily, monthly)
		}
	}

	t.Run("CashOutWithinTheDailyLimitIsConsumedWithoutTheFee", func(t *testing.T) {
		if err := transfer(6_000); err != nil {
			t.Fatal(err)
		}
		usage(t, 6_000, 6_000)
	})

	t.Run("ErrBeyondTheDailyLimitWritesNothing", func(t *testing.T) {
		entries, txns, keys := e.count(t, "ledger_entries"), e.count(t, "ledger_transactions"), e.count(t, "ledger_idempotency_keys")
		balA, balB := e.balance(t, a), e.balance(t, b)
		err := transfer(4_001)
		if ae, _ := apperr.As(err); ae == nil || ae.Code != apperr.LimitExceeded || ae.Field[0] != "amount" {
			t.Fatalf("err = %v", err)
		}
		if e.count(t, "ledger_entries") != entries || e.count(t, "ledger_transactions") != txns || e.count(t, "ledger_idempotency_keys") != keys {
			t.Fatal("a refused transfer wrote entries, a transaction or a key")
		}
		if e.balance(t, a) != balA || e.balance(t, b) != balB {
			t.Fatal("a refused transfer changed balances")
		}
		usage(t, 6_000, 6_000)
	})

	t.Run("ExactlyTheRestOfTheDayIsAllowed", func(t *testing.T) {
		if err := transfer(4_000); err != nil {
			t.Fatal(err)
		}
		usage(t, 10_000, 10_000)
	})

	t.Run("UsageResetsAtSaoPauloMidnight", func(t *testing.T) {
		// The first transfers, at 23:59 in São Paulo, were already 31 March in UTC (02:59), the
		// same UTC day as now: only the São Paulo calendar starts a new day here.
		clk.Set(time.Date(2026, 3, 31, 0, 1, 0, 0, saoPaulo))
		usage(t, 0, 10_000)
		if err := transfer(5_000); err != nil {
			t.Fatal(err)
		}
		usage(t, 5_000, 15_000)
	})

	t.Run("ErrBeyondTheMonthlyLimit", func(t *testing.T) {
		if err := transfer(1); apperr.CodeOf(err) != apperr.LimitExceeded {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("MonthlyUsageResetsOnTheFirstSaoPauloDay", func(t *testing.T) {
		clk.Set(time.Date(2026, 4, 1, 0, 1, 0, 0, saoPaulo))
		usage(t, 0, 0)
		if err := transfer(10_000); err != nil {
			t.Fatal(err)
		}
		usage(t, 10_000, 10_000)
	})

	t.Run("DepositsAndCreditsConsumeNothing", func(t *testing.T) {
		e.deposit(t, a, 5_000)
		if _, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: uuid.NewString(), From: b, To: a, Amount: 100}); err != nil {
			t.Fatal(err)
		}
		usage(t, 10_000, 10_000)
	})
	e.mustVerify(t)
}
