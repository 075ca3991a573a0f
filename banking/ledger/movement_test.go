package ledger_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/money"
)

func TestDeposit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	t.Run("CreditsTheAccountAsAnIncomingTEDAndDebitsSettlement", func(t *testing.T) {
		acc := e.approved(t)
		txn, err := e.ledger.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "dep-1", AccountID: acc, Amount: 12345, From: ledger.SandboxCounterparty})
		if err != nil {
			t.Fatal(err)
		}
		entry := txn.EntryFor(acc)
		if entry == nil || entry.Direction != ledger.Credit || entry.Amount != 12345 || entry.BalanceBefore != 0 || entry.BalanceAfter != 12345 || entry.Kind != ledger.KindExternal {
			t.Fatalf("entry %+v", entry)
		}
		if cp := entry.Counterparty; cp == nil || cp.Name != ledger.SandboxCounterparty.Name || cp.InstitutionISPB != "00000000" || cp.Document != "11222333000181" {
			t.Fatalf("counterparty %+v", entry.Counterparty)
		}
		if len(txn.Entries) != 2 || txn.Entries[1].System != ledger.Settlement || txn.Entries[1].Direction != ledger.Debit {
			t.Fatalf("entries %+v", txn.Entries)
		}
		if cp := txn.Entries[1].Counterparty; cp == nil || cp.AccountID == nil || *cp.AccountID != acc || cp.AccountCode == "" {
			t.Fatalf("settlement counterparty %+v", cp)
		}
		if got := e.balance(t, acc); got != 12345 {
			t.Fatalf("balance %s", got)
		}
	})

	t.Run("ErrAccountNotApprovedWithoutPaymentAccount", func(t *testing.T) {
		acc := e.pending(t)
		_, err := e.ledger.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "dep-pending", AccountID: acc, Amount: 100, From: ledger.SandboxCounterparty})
		if apperr.CodeOf(err) != apperr.AccountNotApproved {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrNotFoundForUnknownAccount", func(t *testing.T) {
		_, err := e.ledger.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "dep-unknown", AccountID: uuid.New(), Amount: 100, From: ledger.SandboxCounterparty})
		if apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrInvalidInputReportedAtOnce", func(t *testing.T) {
		_, err := e.ledger.Deposit(ctx, ledger.DepositInput{AccountID: e.approved(t), Amount: 0, From: ledger.Counterparty{Name: "X", Document: "123"}})
		list, ok := err.(apperr.List)
		if !ok || len(list) < 3 {
			t.Fatalf("err = %v", err)
		}
	})
	e.mustVerify(t)
}

func TestTransfer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.approved(t), e.approved(t)
	e.deposit(t, a, 10_000)

	t.Run("MovesMoneyAndPostsTheFeeAsItsOwnEntry", func(t *testing.T) {
		txn, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t-1", From: a, To: b, Amount: 5_000, Fee: 400, Description: "Invoice 42"})
		if err != nil {
			t.Fatal(err)
		}
		if len(txn.Entries) != 4 {
			t.Fatalf("%d entries", len(txn.Entries))
		}
		out, in, fee, income := txn.Entries[0], txn.Entries[1], txn.Entries[2], txn.Entries[3]
		if out.Amount != 5_000 || out.Direction != ledger.Debit || out.BalanceBefore != 10_000 || out.BalanceAfter != 5_000 || out.Fee != 400 || out.Kind != ledger.KindInternal {
			t.Fatalf("debit %+v", out)
		}
		if in.Amount != 5_000 || in.Direction != ledger.Credit || in.Counterparty == nil || *in.Counterparty.AccountID != a {
			t.Fatalf("credit %+v", in)
		}
		if fee.Kind != ledger.KindFee || fee.Amount != 400 || fee.BalanceBefore != 5_000 || fee.BalanceAfter != 4_600 {
			t.Fatalf("fee %+v", fee)
		}
		if income.System != ledger.FeeIncome || income.Direction != ledger.Credit {
			t.Fatalf("fee income %+v", income)
		}
		if e.balance(t, a) != 4_600 || e.balance(t, b) != 5_000 {
			t.Fatalf("balances %s %s", e.balance(t, a), e.balance(t, b))
		}
	})

	t.Run("ErrInsufficientFundsCountsTheFee", func(t *testing.T) {
		before := e.count(t, "ledger_entries")
		_, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t-2", From: a, To: b, Amount: 4_500, Fee: 101})
		if apperr.CodeOf(err) != apperr.InsufficientFunds {
			t.Fatalf("err = %v", err)
		}
		if e.count(t, "ledger_entries") != before || e.count(t, "ledger_idempotency_keys") != 2 {
			t.Fatal("a refused transfer wrote something")
		}
	})

	t.Run("ErrTargetNotApproved", func(t *testing.T) {
		_, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t-3", From: a, To: e.pending(t), Amount: 1})
		if apperr.CodeOf(err) != apperr.AccountNotApproved {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrNoLimitPlanNoCashOutButItStillReceives", func(t *testing.T) {
		c := e.approved(t)
		if err := e.db.Exec("UPDATE accounts SET limit_plan_id = NULL WHERE id = ?", c).Error; err != nil {
			t.Fatal(err)
		}
		e.deposit(t, c, 1_000)
		_, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t-4", From: c, To: a, Amount: 1})
		if apperr.CodeOf(err) != apperr.LimitExceeded {
			t.Fatalf("err = %v", err)
		}
		if e.balance(t, c) != 1_000 {
			t.Fatal("the refused cash-out moved money")
		}
	})

	t.Run("ErrSameAccount", func(t *testing.T) {
		_, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t-5", From: a, To: a, Amount: 1})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrPostRefusesUnbalancedPostings", func(t *testing.T) {
		_, err := e.ledger.Post(ctx, ledger.Movement{IdempotencyKey: "p-1", Kind: ledger.KindInternal, Description: "x", Postings: []ledger.Posting{
			{AccountID: a, Amount: -100}, {AccountID: b, Amount: 99},
		}})
		if apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("err = %v", err)
		}
	})
	if got := e.balance(t, a) + e.balance(t, b); got != money.Cents(10_000-400) {
		t.Fatalf("customers hold %s", got)
	}
	e.mustVerify(t)
}
