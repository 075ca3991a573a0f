package payments

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Rail is the settlement rail for money leaving Ponte: TEDs through the STR and barcode payments
// through the bills network. A payment is FINISHED once its debit is posted; the rail answers
// later, and a rejection comes back as a refund (Stone's REFUNDED: the amount and the fee return
// to the account).
type Rail interface {
	// Answer is the rail's verdict on a sent payment: "" when it settled, or the reason the
	// receiving institution returned it.
	Answer(ctx context.Context, p *models.Payment) (refundReason string, err error)
	// Delay is how long after sending the answer comes.
	Delay() time.Duration
}

// SandboxRail settles after a short delay and returns, by convention, every payment whose amount
// ends in 13 centavos (R$ 10,13; R$ 250,13...), as a receiving bank would reject an account that
// does not exist. Operators can also refund any finished payment with sandboxRefundPayment.
type SandboxRail struct{ After time.Duration }

// SandboxReturnCents is the centavos ending that makes the sandbox rail return a payment.
const SandboxReturnCents = 13

// Answer applies the sandbox convention.
func (r SandboxRail) Answer(_ context.Context, p *models.Payment) (string, error) {
	if p.AmountCents%100 == SandboxReturnCents {
		return "returned by the receiving institution (sandbox: amount ending in ,13)", nil
	}
	return "", nil
}

// Delay is the sandbox's settlement delay; default 2 s.
func (r SandboxRail) Delay() time.Duration {
	if r.After <= 0 {
		return 2 * time.Second
	}
	return r.After
}

// sentThroughRail reports whether a payment leaves Ponte and so waits for the rail's answer.
func sentThroughRail(k Kind) bool { return k == KindTED || k == KindBoleto || k == KindBarcode }

// Settle asks the rail about a FINISHED payment and refunds it when the rail returned it.
// Running it twice is harmless: a payment already REFUNDED is left alone.
func (s *Service) Settle(ctx context.Context, id uuid.UUID) error {
	p, err := s.Get(ctx, id)
	if err != nil || Status(p.Status) != StatusFinished || s.rail == nil {
		return nil
	}
	reason, err := s.rail.Answer(ctx, p)
	if err != nil || reason == "" {
		return err
	}
	_, err = s.Refund(ctx, id, "rail", reason)
	if apperr.CodeOf(err) == apperr.InvalidState {
		return nil // refunded meanwhile
	}
	return err
}

// Refund returns a FINISHED payment: the amount and the fee go back to the account (credit
// entries of kind external_refund or payment_refund) and the payment becomes REFUNDED, in one
// transaction. Errors: NOT_FOUND, INVALID_STATE (not FINISHED, or an internal transfer, which
// never refunds).
func (s *Service) Refund(ctx context.Context, id uuid.UUID, by, reason string) (*models.Payment, error) {
	var p *models.Payment
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		p, err = lockPayment(tx, id)
		if apperr.CodeOf(err) == apperr.NotFound {
			return apperr.E(apperr.NotFound, "no payment with this id")
		}
		if err != nil {
			return err
		}
		if Status(p.Status) != StatusFinished || !sentThroughRail(Kind(p.Kind)) || pontesBoleto(p) {
			return apperr.Field(apperr.InvalidState, []string{"paymentId"}, "only a FINISHED TED or barcode payment that left Ponte can be refunded; this is a %s %s", p.Status, p.Kind)
		}
		amount, fee := money.Cents(p.AmountCents), money.Cents(p.FeeCents)
		kind := ledger.KindExternalRefund
		if Kind(p.Kind) != KindTED {
			kind = ledger.KindPaymentRefund
		}
		postings := []ledger.Posting{
			{System: ledger.Settlement, Amount: -amount},
			{AccountID: p.AccountID, Amount: amount, Counterparty: counterparty(p.Target)},
		}
		if fee > 0 {
			postings = append(postings,
				ledger.Posting{System: ledger.FeeIncome, Amount: -fee, Kind: ledger.KindFee},
				ledger.Posting{AccountID: p.AccountID, Amount: fee, Kind: ledger.KindFee, Description: "Devolução de tarifa"})
		}
		if _, err := s.ledger.PostTx(ctx, tx, ledger.Movement{IdempotencyKey: "refund:" + p.ID.String(), Kind: kind,
			Description: "Devolução: " + describe(p), OperationID: &p.ID, Postings: postings}); err != nil {
			return err
		}
		p.FailureReason = &reason
		return s.move(ctx, tx, p, StatusRefunded, by, &reason, "failure_reason")
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
