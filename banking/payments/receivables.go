package payments

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Receivables are the boletos Ponte issues itself (banking/boletos implements it). Paying one by
// barcode moves money between two Ponte accounts: the payer's debit and the beneficiary's credit
// (statement kind boleto_settlement) are one ledger transaction, and the boleto settles in it.
type Receivables interface {
	// Quote returns the boleto Ponte issued with code b and what paying it on day on costs (its
	// amount due then); nil when b is not one of Ponte's. Errors (field code): INVALID_STATE when
	// it may not be paid (settled, cancelled, expired, past its limit date).
	Quote(ctx context.Context, db *gorm.DB, b *brazil.Boleto, on brazil.Date) (*Receivable, error)
	// Claim locks, in tx, the boleto Ponte issued with barcode and checks that it may be paid
	// amount on day on; nil when the barcode is not one of Ponte's. Errors: ErrBoletoNotPayable.
	Claim(ctx context.Context, tx *gorm.DB, barcode string, on brazil.Date, amount money.Cents) (*Receivable, error)
	// Settled marks a claimed boleto SETTLED in tx: paid by p, posted as txn.
	Settled(ctx context.Context, tx *gorm.DB, r *Receivable, p *models.Payment, txn *ledger.Transaction) error
}

// Receivable is a boleto Ponte issued, as a payment of it needs it.
type Receivable struct {
	BoletoID    uuid.UUID
	Beneficiary models.BoletoParty // AccountID is the Ponte account credited
	Amount      money.Cents        // the amount due on the day asked
}

// ErrBoletoNotPayable is why a payment of a Ponte boleto fails when it runs: the boleto was
// settled (by a concurrent payment), cancelled or expired meanwhile, or its amount due changed.
var ErrBoletoNotPayable = errors.New("payments: the boleto can no longer be paid")

// ReasonBoletoNotPayable is the failure reason of ErrBoletoNotPayable.
const ReasonBoletoNotPayable = "boleto_not_payable"

// SetReceivables tells the service which boletos are Ponte's own, before it serves.
func (s *Service) SetReceivables(r Receivables) { s.receivables = r }

// pontesBoleto reports whether p pays a boleto Ponte issued (its target names the credited account).
func pontesBoleto(p *models.Payment) bool {
	return Kind(p.Kind) == KindBoleto && p.Target.AccountID != nil
}

// settleBoleto posts, in tx, a payment of a boleto Ponte issued: the payer's debit (and fee) and
// the beneficiary's credit in one transaction, and the boleto SETTLED. A boleto that can no
// longer be paid, or whose amount due today is no longer what the payment carries, writes
// nothing and fails the payment (ErrBoletoNotPayable).
func (s *Service) settleBoleto(ctx context.Context, tx *gorm.DB, p *models.Payment) (*ledger.Transaction, error) {
	if s.receivables == nil {
		return nil, ErrBoletoNotPayable
	}
	amount, fee := money.Cents(p.AmountCents), money.Cents(p.FeeCents)
	r, err := s.receivables.Claim(ctx, tx, p.Target.Barcode, clockDate(s.now()), amount)
	if err != nil {
		return nil, err
	}
	if r == nil || r.Beneficiary.AccountID == nil || *r.Beneficiary.AccountID == p.AccountID {
		return nil, ErrBoletoNotPayable
	}
	desc := describe(p)
	postings := []ledger.Posting{
		{AccountID: p.AccountID, Amount: -amount, Fee: fee, CashOut: true, Counterparty: &ledger.Counterparty{AccountID: r.Beneficiary.AccountID}},
		{AccountID: *r.Beneficiary.AccountID, Amount: amount, Kind: ledger.KindBoletoSettlement, Description: "Boleto recebido",
			Counterparty: &ledger.Counterparty{AccountID: &p.AccountID}},
	}
	if fee > 0 {
		postings = append(postings,
			ledger.Posting{AccountID: p.AccountID, Amount: -fee, Kind: ledger.KindFee, Description: "Tarifa: " + desc},
			ledger.Posting{System: ledger.FeeIncome, Amount: fee, Kind: ledger.KindFee})
	}
	txn, err := s.ledger.PostTx(ctx, tx, ledger.Movement{IdempotencyKey: "payment:" + p.ID.String(), Kind: ledger.KindPayment,
		Description: desc, OperationID: &p.ID, Postings: postings})
	if err != nil {
		return nil, err
	}
	if err := s.receivables.Settled(ctx, tx, r, p, txn); err != nil {
		return nil, err
	}
	return txn, nil
}
