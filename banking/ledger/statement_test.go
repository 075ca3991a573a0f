package ledger_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/money"
	"github.com/ponte-bff/ponte/paging"
)

// pageAll reads a whole statement page by page, newest first.
func pageAll(t *testing.T, e *env, account uuid.UUID, f ledger.StatementFilter, size int) []ledger.Entry {
	t.Helper()
	var all []ledger.Entry
	p := paging.Page{First: size}
	for {
		page, err := e.ledger.Statement(context.Background(), account, f, p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Entries...)
		if !page.HasNext {
			return all
		}
		c := ledger.EntryCursor(page.Entries[len(page.Entries)-1])
		p.After = &c
	}
}

func TestStatementPagesNeverSkipOrRepeatWhileEntriesArrive(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.approved(t), e.approved(t)
	for i := 0; i < 60; i++ {
		e.deposit(t, a, money.Cents(100+i))
	}
	before := pageAll(t, e, a, ledger.StatementFilter{}, 100)
	if len(before) != 60 {
		t.Fatalf("%d entries before", len(before))
	}

	// Writers keep moving money in and out of a while the reader pages.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var written atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				if written.Add(1)%2 == 0 {
					_, err = e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: uuid.NewString(), From: a, To: b, Amount: 1})
				} else {
					_, err = e.ledger.Deposit(ctx, ledger.DepositInput{IdempotencyKey: uuid.NewString(), AccountID: a, Amount: 1, From: ledger.SandboxCounterparty})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	// Each pass pages through the whole statement, 7 entries a page, while the writers write.
	var passes [][]ledger.Entry
	overlapped := 0
	for len(passes) < 5 || written.Load() < 200 {
		w0 := written.Load()
		passes = append(passes, pageAll(t, e, a, ledger.StatementFilter{}, 7))
		if written.Load() > w0 {
			overlapped++
		}
	}
	close(stop)
	wg.Wait()
	if overlapped == 0 {
		t.Fatal("no pass overlapped a write")
	}

	t.Run("EveryEntryThatExistedWhenAPassBeganExactlyOnce", func(t *testing.T) {
		for i, pass := range passes {
			seen := map[uuid.UUID]int{}
			for _, en := range pass {
				seen[en.ID]++
				if seen[en.ID] > 1 {
					t.Fatalf("pass %d: entry %s repeated", i, en.ID)
				}
			}
			existed := before // what existed when the pass began: at least what the pass before saw
			if i > 0 {
				existed = passes[i-1]
			}
			for _, en := range existed {
				if seen[en.ID] != 1 {
					t.Fatalf("pass %d: entry %s skipped", i, en.ID)
				}
			}
		}
	})

	t.Run("NewestFirstAndBalancesChain", func(t *testing.T) {
		all := pageAll(t, e, a, ledger.StatementFilter{}, 50)
		for i := 1; i < len(all); i++ {
			newer, older := all[i-1], all[i]
			if newer.OccurredAt.Before(older.OccurredAt) {
				t.Fatalf("entry %d is older than the next", i-1)
			}
			if newer.BalanceBefore != older.BalanceAfter {
				t.Fatalf("entry %s starts at %s, the one before it ended at %s", newer.ID, newer.BalanceBefore, older.BalanceAfter)
			}
		}
		if all[0].BalanceAfter != e.balance(t, a) {
			t.Fatal("the newest entry's balance after is not the balance")
		}
	})
	e.mustVerify(t)
}

func TestStatement(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	clk := e.withClock(time.Date(2026, 5, 10, 23, 30, 0, 0, saoPaulo)) // 02:30 UTC on 11 May
	a, b := e.approved(t), e.approved(t)
	e.deposit(t, a, 10_000)
	clk.Set(time.Date(2026, 5, 11, 9, 0, 0, 0, saoPaulo))
	if _, err := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: "t", From: a, To: b, Amount: 3_000, Fee: 200, Description: "Supplier"}); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2026, 5, 12, 9, 0, 0, 0, saoPaulo))
	e.deposit(t, a, 500)

	t.Run("FilterByTheSaoPauloDay", func(t *testing.T) {
		day := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC) // a GraphQL Date
		got := pageAll(t, e, a, ledger.StatementFilter{From: &day, To: &day}, 10)
		if len(got) != 1 || got[0].Amount != 10_000 {
			t.Fatalf("10 May: %+v", got)
		}
		day11 := day.AddDate(0, 0, 1)
		got = pageAll(t, e, a, ledger.StatementFilter{From: &day11}, 10)
		if len(got) != 3 {
			t.Fatalf("from 11 May: %d entries", len(got))
		}
	})

	t.Run("FilterByDirection", func(t *testing.T) {
		got := pageAll(t, e, a, ledger.StatementFilter{Direction: ptr(ledger.Debit)}, 10)
		if len(got) != 2 || got[0].Kind != ledger.KindFee || got[1].Kind != ledger.KindInternal {
			t.Fatalf("debits: %+v", got)
		}
	})

	t.Run("TheFeeIsANewerEntryOfTheSameTransaction", func(t *testing.T) {
		got := pageAll(t, e, a, ledger.StatementFilter{}, 10)
		fee, out := got[1], got[2]
		if fee.TransactionID != out.TransactionID || !fee.OccurredAt.Equal(out.OccurredAt) || fee.BalanceBefore != out.BalanceAfter {
			t.Fatalf("fee %+v after %+v", fee, out)
		}
		if out.Fee != 200 || out.Description != "Supplier" || out.Counterparty == nil || *out.Counterparty.AccountID != b {
			t.Fatalf("transfer entry %+v", out)
		}
	})

	t.Run("EntriesNeverGoBackInTime", func(t *testing.T) {
		clk.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, saoPaulo)) // a replica whose clock is behind
		txn := e.deposit(t, a, 1)
		got := pageAll(t, e, a, ledger.StatementFilter{}, 1)
		if got[0].ID != txn.EntryFor(a).ID || !got[0].OccurredAt.After(time.Date(2026, 5, 12, 9, 0, 0, 0, saoPaulo)) {
			t.Fatalf("the newest entry is %+v", got[0])
		}
	})

	t.Run("EmptyBeforeTheFirstMovement", func(t *testing.T) {
		page, err := e.ledger.Statement(ctx, e.approved(t), ledger.StatementFilter{}, paging.Page{First: 10})
		if err != nil || len(page.Entries) != 0 || page.HasNext {
			t.Fatalf("%v %+v", err, page)
		}
		if bal, err := e.ledger.Balance(ctx, e.pending(t)); err != nil || bal != (ledger.Balance{}) {
			t.Fatalf("%v %+v", err, bal)
		}
	})

	t.Run("ErrUnknownAccount", func(t *testing.T) {
		if _, err := e.ledger.Statement(ctx, uuid.New(), ledger.StatementFilter{}, paging.Page{First: 10}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("err = %v", err)
		}
		if _, err := e.ledger.Balance(ctx, uuid.New()); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrToBeforeFrom", func(t *testing.T) {
		from, to := time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
		if _, err := e.ledger.Statement(ctx, a, ledger.StatementFilter{From: &from, To: &to}, paging.Page{First: 10}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("GetEntryFindsOneEntry", func(t *testing.T) {
		want := pageAll(t, e, a, ledger.StatementFilter{}, 1)[0]
		got, err := e.ledger.GetEntry(ctx, want.ID)
		if err != nil || got.ID != want.ID || *got.AccountID != a || got.BalanceAfter != want.BalanceAfter {
			t.Fatalf("%v %+v", err, got)
		}
		if _, err := e.ledger.GetEntry(ctx, uuid.New()); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("err = %v", err)
		}
	})
	e.mustVerify(t)
}
