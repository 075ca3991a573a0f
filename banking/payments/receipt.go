package payments

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/money"
)

// Receipt builds the signed receipt of a FINISHED payment: payer from the account, beneficiary
// from the target, authenticated under key. Errors: NOT_FOUND, INVALID_STATE (not finished).
func (s *Service) Receipt(ctx context.Context, id uuid.UUID, key []byte) (*receipts.Receipt, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if Status(p.Status) != StatusFinished || p.LedgerTransactionID == nil || p.FinishedAt == nil {
		return nil, apperr.E(apperr.InvalidState, "a receipt exists once the payment is FINISHED; it is %s", p.Status)
	}
	acc, err := accounts.Find(s.db.WithContext(ctx), p.AccountID)
	if err != nil {
		return nil, err
	}
	t := p.Target
	r := &receipts.Receipt{
		Kind: receipts.Kind(p.Kind), PaymentID: p.ID, LedgerTransactionID: *p.LedgerTransactionID,
		Payer: receipts.Party{Name: acc.Name, Document: acc.Document, DocumentType: brazil.DocumentType(acc.DocumentType)},
		Beneficiary: receipts.Party{Name: t.Name, Document: t.Document, DocumentType: brazil.DocumentType(t.DocumentType),
			InstitutionName: t.BankName, InstitutionISPB: t.ISPB, InstitutionCode: t.BankCode, BranchCode: t.BranchCode,
			AccountCode: t.AccountCode, AccountType: t.AccountType},
		Amount: money.Cents(p.AmountCents), Fee: money.Cents(p.FeeCents), Description: describe(p),
		CreatedAt: p.CreatedAt, FinishedAt: *p.FinishedAt,
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
	r.Sign(key)
	return r, nil
}
