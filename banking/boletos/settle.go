package boletos

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// The Service is payments' view of the boletos Ponte issued.
var _ payments.Receivables = (*Service)(nil)

// byBarcode reads the boleto with barcode, locked when lock; nil when there is none.
func byBarcode(tx *gorm.DB, barcode string, lock bool) (*models.Boleto, error) {
	q := tx
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var b models.Boleto
	err := q.Where("barcode = ?", barcode).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &b, err
}

// refusal is why b may not be paid on day on, or "" when it may.
func refusal(b *models.Boleto, on brazil.Date) string {
	switch {
	case Status(b.Status) == StatusSettled || b.PaidAt != nil:
		return "this boleto has already been paid"
	case !payable(Status(b.Status)):
		return fmt.Sprintf("this boleto is %s: it can no longer be paid", b.Status)
	case on.After(brazil.DateOf(b.LimitDate)):
		return fmt.Sprintf("this boleto's limit date (%s) has passed: it can no longer be paid", brazil.DateOf(b.LimitDate))
	}
	return ""
}

// Quote implements payments.Receivables: the boleto with code c and its amount due on day on.
func (s *Service) Quote(ctx context.Context, db *gorm.DB, c *brazil.Boleto, on brazil.Date) (*payments.Receivable, error) {
	if _, ours := OurNumberOf(c); !ours {
		return nil, nil
	}
	b, err := byBarcode(db.WithContext(ctx), c.Barcode, false)
	if err != nil || b == nil {
		return nil, err
	}
	if why := refusal(b, on); why != "" {
		return nil, apperr.Field(apperr.InvalidState, []string{"code"}, "%s", why)
	}
	return &payments.Receivable{BoletoID: b.ID, Beneficiary: b.Beneficiary, Amount: AmountDue(b, on).Due}, nil
}

// Claim implements payments.Receivables: the boleto with barcode, locked in tx, if it may be paid
// amount on day on. Of concurrent payments of one boleto the first to lock it settles it; the
// others find it SETTLED and fail, writing nothing.
func (s *Service) Claim(ctx context.Context, tx *gorm.DB, barcode string, on brazil.Date, amount money.Cents) (*payments.Receivable, error) {
	b, err := byBarcode(tx.WithContext(ctx), barcode, true)
	if err != nil || b == nil {
		return nil, err
	}
	if why := refusal(b, on); why != "" {
		return nil, fmt.Errorf("%w: %s", payments.ErrBoletoNotPayable, why)
	}
	if due := AmountDue(b, on).Due; due != amount {
		return nil, fmt.Errorf("%w: the amount due on %s is %s, the payment carries %s", payments.ErrBoletoNotPayable, on, due, amount)
	}
	return &payments.Receivable{BoletoID: b.ID, Beneficiary: b.Beneficiary, Amount: amount}, nil
}

// Settled implements payments.Receivables: the claimed boleto becomes SETTLED, paid by p's
// account, in p's ledger transaction.
func (s *Service) Settled(ctx context.Context, tx *gorm.DB, r *payments.Receivable, p *models.Payment, txn *ledger.Transaction) error {
	b, err := lock(tx, r.BoletoID)
	if err != nil {
		return err
	}
	payer, err := accounts.Find(tx, p.AccountID)
	if err != nil {
		return err
	}
	party := beneficiaryOf(payer) // the paying account's holder and payment account
	now, paid := s.now(), p.AmountCents
	b.PaidAt, b.PaidCents, b.Payer, b.PaymentID, b.SettledAt, b.LedgerTransactionID = &now, &paid, &party, &p.ID, &now, &txn.ID
	return s.move(ctx, tx, b, StatusSettled, "system", nil, "paid_at", "paid_cents", "payer", "payment_id", "settled_at", "ledger_transaction_id")
}

// OutsidePayment is a boleto paid at another bank (sandbox): its code, what was paid and by whom.
type OutsidePayment struct {
	Code          string
	Amount        money.Cents
	PayerName     string
	PayerDocument string
}

// SandboxPay records that a boleto Ponte issued was paid at another bank: the payment is noted
// on the boleto now, and the beneficiary is credited on the next business day, when the
// interbank clearing settles (a job; Credit). The amount must be the amount due today.
// Errors: field errors (INVALID_BARCODE, NOT_FOUND on code when it is no boleto of Ponte's,
// INVALID_STATE when it can no longer be paid, INVALID on amount, INVALID_DOCUMENT, REQUIRED).
func (s *Service) SandboxPay(ctx context.Context, in OutsidePayment) (*models.Boleto, error) {
	today := s.today()
	dec, err := brazil.DecodeBarcode(in.Code, today.Time())
	if err != nil {
		var be *brazil.BarcodeError
		if errors.As(err, &be) {
			return nil, apperr.Field(apperr.InvalidBarcode, []string{"code"}, "%s (%s)", be.Message, be.Reason)
		}
		return nil, err
	}
	var errs apperr.List
	name := strings.Join(strings.Fields(in.PayerName), " ")
	if name == "" || len([]rune(name)) > maxPartyNameRunes {
		errs = append(errs, apperr.Field(apperr.Required, []string{"payerName"}, "payerName is required (at most %d characters)", maxPartyNameRunes))
	}
	doc, derr := brazil.ParseDocument(in.PayerDocument, "")
	if derr != nil {
		errs = append(errs, apperr.Field(apperr.InvalidDocument, []string{"payerDocument"}, "%s", derr.Error()))
	}
	if _, ours := OurNumberOf(dec.Boleto); !ours {
		errs = append(errs, apperr.Field(apperr.NotFound, []string{"code"}, "this code is no boleto Ponte issued"))
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	var out *models.Boleto
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := byBarcode(tx, dec.Barcode, true)
		if err != nil {
			return err
		}
		if b == nil {
			return apperr.Field(apperr.NotFound, []string{"code"}, "this code is no boleto Ponte issued")
		}
		if why := refusal(b, today); why != "" {
			return apperr.Field(apperr.InvalidState, []string{"code"}, "%s", why)
		}
		inFlight, err := paymentInFlight(tx, b)
		if err != nil {
			return err
		}
		if inFlight {
			return apperr.Field(apperr.InvalidState, []string{"code"}, "a payment of this boleto is in flight at Ponte")
		}
		if due := AmountDue(b, today).Due; in.Amount != due {
			return apperr.Field(apperr.Invalid, []string{"amount"}, "the amount due today is %s", due)
		}
		now, paid := s.now(), int64(in.Amount)
		creditOn := brazil.NextBusinessDay(today).Time()
		b.PaidAt, b.PaidCents, b.CreditOn = &now, &paid, &creditOn
		b.Payer = &models.BoletoParty{Name: name, Document: doc.Number, DocumentType: string(doc.Type)}
		b.UpdatedAt = now
		if err := tx.Model(b).Select("paid_at", "paid_cents", "credit_on", "payer", "updated_at").Updates(b).Error; err != nil {
			return err
		}
		out = b
		return s.runner.CreditTx(tx, b.ID, max(0, s.creditAt(b).Sub(now)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// creditAt is when the clearing credits a boleto paid elsewhere: the start of its credit day.
func (s *Service) creditAt(b *models.Boleto) time.Time {
	d := brazil.DateOf(*b.CreditOn)
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, saopaulo.Location)
}

// ErrNotDue is returned by Credit before the boleto's credit day: run it again later.
var ErrNotDue = errors.New("boletos: the credit day has not come")

// Credit lands the credit of a boleto paid at another bank, on its credit day: the settlement
// account (money that entered the institution) to the beneficiary, statement kind
// boleto_settlement with the payer as counterparty, and the boleto SETTLED, in one transaction.
// Before the credit day it returns ErrNotDue; a boleto already settled is left alone.
func (s *Service) Credit(ctx context.Context, id uuid.UUID) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := lock(tx, id)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil
		}
		if err != nil || b.CreditOn == nil || !payable(Status(b.Status)) {
			return err
		}
		if s.today().Before(brazil.DateOf(*b.CreditOn)) {
			return ErrNotDue
		}
		amount := money.Cents(*b.PaidCents)
		cp := &ledger.Counterparty{Name: b.Payer.Name, Document: b.Payer.Document, DocumentType: b.Payer.DocumentType}
		txn, err := s.ledger.PostTx(ctx, tx, ledger.Movement{IdempotencyKey: "boleto:" + b.ID.String(), Kind: ledger.KindBoletoSettlement,
			Description: "Boleto recebido", OperationID: &b.ID, Postings: []ledger.Posting{
				{System: ledger.Settlement, Amount: -amount},
				{AccountID: b.AccountID, Amount: amount, Counterparty: cp},
			}})
		if err != nil {
			return err
		}
		now := s.now()
		b.SettledAt, b.LedgerTransactionID = &now, &txn.ID
		return s.move(ctx, tx, b, StatusSettled, "clearing", nil, "settled_at", "ledger_transaction_id")
	})
}
