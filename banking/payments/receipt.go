package payments

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Receipt builds the signed receipt of payment id as it stands: a FINISHED payment's
// comprovante, a REFUNDED one's with its refund, a SCHEDULED one's comprovante de agendamento.
// Payer from the account, beneficiary from the target, authenticated under key. Its code is
// recorded as issued, so that VerifyReceipt finds the payment from the code alone.
// Errors: NOT_FOUND, INVALID_STATE (no receipt in this status).
func (s *Service) Receipt(ctx context.Context, id uuid.UUID, key []byte) (*receipts.Receipt, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	var covers receipts.Covers
	switch Status(p.Status) {
	case StatusFinished:
		covers = receipts.CoversPayment
	case StatusRefunded:
		covers = receipts.CoversRefund
	case StatusScheduled:
		covers = receipts.CoversScheduling
	default:
		return nil, apperr.E(apperr.InvalidState, "a receipt exists once the payment is FINISHED, REFUNDED or SCHEDULED; it is %s", p.Status)
	}
	r, err := s.buildReceipt(ctx, p, covers, key)
	if err != nil {
		return nil, err
	}
	code, _ := receipts.NormalizeCode(r.AuthenticationCode)
	issued := models.IssuedReceipt{Code: code, PaymentID: p.ID, Kind: string(covers), IssuedAt: s.now()}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&issued).Error; err != nil {
		return nil, err
	}
	return r, nil
}

// ReceiptCheck is what VerifyReceipt found: the receipt the code proves, rebuilt from the payment
// as Ponte keeps it, and the payment's status now (a scheduling may since have run or been
// cancelled).
type ReceiptCheck struct {
	Receipt *receipts.Receipt
	Status  Status
}

// VerifyReceipt answers whether code (as typed from paper: any case, dashes, spaces) is the
// authentication code of a receipt Ponte issued, and which: nil when it is not, whatever the
// reason (malformed, never issued, or recorded but not matching the payment), so an answer tells
// nothing about other codes. The receipt is rebuilt from the payment and its code recomputed under
// key, so a row in issued_receipts proves nothing by itself.
func (s *Service) VerifyReceipt(ctx context.Context, code string, key []byte) (*ReceiptCheck, error) {
	norm, ok := receipts.NormalizeCode(code)
	if !ok {
		return nil, nil
	}
	var issued models.IssuedReceipt
	err := s.db.WithContext(ctx).Where("code = ?", norm).Take(&issued).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := s.Get(ctx, issued.PaymentID)
	if err != nil {
		return nil, err
	}
	r, err := s.buildReceipt(ctx, p, receipts.Covers(issued.Kind), key)
	if apperr.CodeOf(err) == apperr.InvalidState {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	given := *r
	given.AuthenticationCode = norm
	if !given.Verify(key) { // a row that does not match its payment: tampered with, or another key
		return nil, nil
	}
	return &ReceiptCheck{Receipt: r, Status: Status(p.Status)}, nil
}

// buildReceipt is the signed receipt of p covering covers. Errors: INVALID_STATE when p has no
// such receipt (not executed, never scheduled, not refunded).
func (s *Service) buildReceipt(ctx context.Context, p *models.Payment, covers receipts.Covers, key []byte) (*receipts.Receipt, error) {
	executed := p.LedgerTransactionID != nil && p.FinishedAt != nil
	switch {
	case covers == receipts.CoversScheduling && p.ScheduledFor == nil,
		covers != receipts.CoversScheduling && !executed,
		covers == receipts.CoversRefund && Status(p.Status) != StatusRefunded:
		return nil, apperr.E(apperr.InvalidState, "this payment has no such receipt; it is %s", p.Status)
	}
	acc, err := accounts.Find(s.db.WithContext(ctx), p.AccountID)
	if err != nil {
		return nil, err
	}
	t := p.Target
	r := &receipts.Receipt{
		Kind: receipts.Kind(p.Kind), Covers: covers, PaymentID: p.ID,
		Payer: receipts.Party{Name: acc.Name, Document: acc.Document, DocumentType: brazil.DocumentType(acc.DocumentType)},
		Beneficiary: receipts.Party{Name: t.Name, Document: t.Document, DocumentType: brazil.DocumentType(t.DocumentType),
			InstitutionName: t.BankName, InstitutionISPB: t.ISPB, InstitutionCode: t.BankCode, BranchCode: t.BranchCode,
			AccountCode: t.AccountCode, AccountType: t.AccountType},
		Amount: money.Cents(p.AmountCents), Fee: money.Cents(p.FeeCents), Description: describe(p),
		CreatedAt: p.CreatedAt,
	}
	if covers != receipts.CoversScheduling {
		r.LedgerTransactionID, r.FinishedAt = *p.LedgerTransactionID, *p.FinishedAt
	}
	if ba := acc.BankAccount; ba != nil {
		r.Payer.InstitutionName, r.Payer.InstitutionISPB, r.Payer.InstitutionCode = ba.InstitutionName, ba.InstitutionISPB, ba.InstitutionCode
		r.Payer.BranchCode, r.Payer.AccountCode, r.Payer.AccountType = ba.BranchCode, ba.AccountCode, ba.AccountType
	}
	if p.ScheduledFor != nil {
		r.ScheduledTo = brazil.DateOf(*p.ScheduledFor)
	}
	if t.Barcode != "" {
		r.Barcode = &receipts.BarcodeDetails{Barcode: t.Barcode}
		if d, err := brazil.ParseDate(t.DueDate); err == nil && t.DueDate != "" {
			r.Barcode.DueDate = d
		}
	}
	if covers == receipts.CoversRefund {
		if r.Refund, err = s.refundOf(ctx, p); err != nil {
			return nil, err
		}
	}
	r.Sign(key)
	return r, nil
}

// refundOf reads the refund of a REFUNDED payment from the ledger: the transaction that returned
// it (Refund posts one, under the payment's operation id) and what came back to the account.
func (s *Service) refundOf(ctx context.Context, p *models.Payment) (*receipts.Refund, error) {
	var row struct {
		ID         uuid.UUID
		OccurredAt time.Time
	}
	err := s.db.WithContext(ctx).Raw(`SELECT id, occurred_at FROM ledger_transactions WHERE operation_id = ? AND kind IN (?, ?) ORDER BY occurred_at LIMIT 1`,
		p.ID, string(ledger.KindExternalRefund), string(ledger.KindPaymentRefund)).Scan(&row).Error
	if err != nil {
		return nil, err
	}
	if row.ID == uuid.Nil {
		return nil, apperr.E(apperr.InvalidState, "the payment is REFUNDED but its refund is not in the ledger")
	}
	f := &receipts.Refund{TransactionID: row.ID, At: row.OccurredAt, Amount: money.Cents(p.AmountCents + p.FeeCents)}
	if p.FailureReason != nil {
		f.Reason = *p.FailureReason
	}
	return f, nil
}
