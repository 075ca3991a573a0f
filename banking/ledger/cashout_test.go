package ledger_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/money"
)

// CheckCashOutTx refuses a cash-out exactly as a transfer to an account that can receive would,
// in the same order, and writes nothing.
func TestCheckCashOutAgreesWithATransfer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var daily int64
	if err := e.db.Raw("SELECT daily_cents FROM limit_plans WHERE name = 'standard'").Scan(&daily).Error; err != nil || daily == 0 {
		t.Fatalf("standard plan: %d %v", daily, err)
	}
	receiver := e.approved(t)
	funded := e.approved(t)
	e.deposit(t, funded, money.Cents(2*daily))
	for _, c := range []struct {
		name        string
		payer       uuid.UUID
		amount, fee money.Cents
		want        apperr.Code
	}{
		{"Missing", uuid.New(), 100, 0, apperr.NotFound},
		{"NotApproved", e.pending(t), 100, 0, apperr.AccountNotApproved},
		{"NeverFunded", e.approved(t), 100, 0, apperr.InsufficientFunds},
		{"TheFeeDoesNotFit", funded, money.Cents(2 * daily), 1, apperr.InsufficientFunds},
		{"OverTheDailyLimit", funded, money.Cents(daily + 1), 0, apperr.LimitExceeded},
		{"Fits", funded, 100, 50, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			entries, usage := e.count(t, "ledger_entries"), e.count(t, "limit_usage")
			var got error
			if err := e.db.Transaction(func(tx *gorm.DB) error {
				got = e.ledger.CheckCashOutTx(ctx, tx, c.payer, c.amount, c.fee)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if e.count(t, "ledger_entries") != entries || e.count(t, "limit_usage") != usage {
				t.Fatal("the check wrote")
			}
			_, posted := e.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: uuid.NewString(), From: c.payer, To: receiver, Amount: c.amount, Fee: c.fee})
			if apperr.CodeOf(got) != apperr.CodeOf(posted) || (c.want == "") != (got == nil) || (got != nil && apperr.CodeOf(got) != c.want) {
				t.Fatalf("check: %v; transfer: %v; want %q", got, posted, c.want)
			}
		})
	}
}
