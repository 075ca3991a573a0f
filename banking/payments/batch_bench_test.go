package payments_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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
