package payments_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
)

// BenchmarkExecution runs approved internal transfers from one paying account (W4's shape: the
// holder's account) one transaction each (Execute, what a River job per payment did) and in
// batches (ExecuteDue); one op is one payment.
//
//	go test -run '^$' -bench Execution -benchtime=2048x ./banking/payments/
func BenchmarkExecution(b *testing.B) {
	const round = 256
	for _, mode := range []string{"OneTransactionEach", "Batches"} {
		b.Run(mode, func(b *testing.B) {
			e, _ := batchEnv(b)
			ctx := context.Background()
			if _, err := e.led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "bench", AccountID: e.from, Amount: 1_000_000_000, From: ledger.SandboxCounterparty}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for done := 0; done < b.N; done += round {
				b.StopTimer()
				ids := e.approved(b, e.svc, fmt.Sprint(done), min(round, b.N-done), 1)
				b.StartTimer()
				if mode == "Batches" {
					for {
						n, err := e.svc.ExecuteDue(ctx, time.Now(), payments.DefaultBatchSize, quiet)
						if err != nil {
							b.Fatal(err)
						}
						if n == 0 {
							break
						}
					}
					continue
				}
				for _, id := range ids {
					if err := e.svc.Execute(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// cnpj is a valid numeric CNPJ of base n (head office).
func cnpj(n int) string {
	base := fmt.Sprintf("%08d0001", n)
	dv := func(s string, weights []int) byte {
		sum := 0
		for i, w := range weights {
			sum += int(s[i]-'0') * w
		}
		if r := sum % 11; r >= 2 {
			return byte('0' + 11 - r)
		}
		return '0'
	}
	s := base + string(dv(base, []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
	return s + string(dv(s, []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}))
}

// BenchmarkExecutionManyPayers runs approved internal transfers from 16 paying accounts, each to
// its own receiver,
// one transaction each from 15 workers (what PONTE_PAYMENT_WORKERS' default did with one River
// job per payment, without River's own statements) and in batches from 2 loops
// (PONTE_PAYMENT_BATCHES' default); one op is one payment.
//
//	go test -run '^$' -bench ExecutionManyPayers -benchtime=2048x ./banking/payments/
func BenchmarkExecutionManyPayers(b *testing.B) {
	const round, payers = 256, 16
	modes := []struct {
		name        string
		loops, size int // 0: one transaction each
	}{{"OneTransactionEach15Workers", 15, 0}, {"Batches2Loops", 2, 32}, {"Batches4Loops", 4, 32}, {"Batches8Loops", 8, 32}, {"Batches8LoopsOf8", 8, 8}}
	for _, mode := range modes {
		b.Run(mode.name, func(b *testing.B) {
			e, _ := batchEnv(b)
			ctx := context.Background()
			from, to := make([]uuid.UUID, payers), make([]string, payers)
			for i := range 2 * payers {
				a, err := e.accs.Create(ctx, nil, accounts.CreateInput{Name: "Conta", Email: "p@example.com", Document: cnpj(10_000 + i)})
				if err != nil {
					b.Fatal(err)
				}
				if a, err = e.accs.Review(ctx, a.ID, accounts.DecisionApprove, nil, "op"); err != nil {
					b.Fatal(err)
				}
				if i >= payers {
					to[i-payers] = a.BankAccount.AccountCode
					continue
				}
				if _, err := e.led.Deposit(ctx, ledger.DepositInput{IdempotencyKey: "bench-" + a.ID.String(), AccountID: a.ID, Amount: 100_000_000, From: ledger.SandboxCounterparty}); err != nil {
					b.Fatal(err)
				}
				from[i] = a.ID
			}
			o := auth.Grant{Actor: "tenant:erp", Basis: auth.ByConsent}
			b.ResetTimer()
			for done := 0; done < b.N; done += round {
				b.StopTimer()
				ids := make([]uuid.UUID, min(round, b.N-done))
				for i := range ids {
					p, err := e.svc.CreateInternalTransfer(ctx, o, payments.InternalTransferInput{
						Common: payments.Common{AccountID: from[i%payers], Amount: 1, IdempotencyKey: fmt.Sprintf("%d-%d", done, i)}, TargetAccountCode: to[i%payers]})
					if err != nil {
						b.Fatal(err)
					}
					ids[i] = p.ID
				}
				if _, err := e.svc.Approve(ctx, "holder:x", ids); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				var wg sync.WaitGroup
				if mode.size > 0 {
					for part := range mode.loops {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for {
								n, err := e.svc.ExecuteDueIn(ctx, payments.Partition{Part: part, Parts: mode.loops}, time.Now(), mode.size, quiet)
								if err != nil {
									b.Error(err)
									return
								}
								if n == 0 {
									return
								}
							}
						}()
					}
				} else {
					work := make(chan uuid.UUID)
					for range mode.loops {
						wg.Add(1)
						go func() {
							defer wg.Done()
							for id := range work {
								if err := e.svc.Execute(ctx, id); err != nil {
									b.Error(err)
								}
							}
						}()
					}
					for _, id := range ids {
						work <- id
					}
					close(work)
				}
				wg.Wait()
			}
			b.StopTimer()
			var left int64
			e.db.Raw(`SELECT count(*) FROM payments WHERE status = 'APPROVED'`).Scan(&left)
			if left != 0 {
				b.Fatalf("%d payments left APPROVED", left)
			}
		})
	}
}
