package payments

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Stone's own institution: a TED to it is refused, it is an internal transfer.
const stoneISPB, stoneCode = "16501555", "197"

// InternalTransferInput pays another Ponte account, named by its account code.
type InternalTransferInput struct {
	Common
	TargetAccountCode string
	// Payee is the contact's bank account the caller named instead of the target (the code is
	// what it resolved to); the request's fingerprint covers the payee, so a retry after the
	// contact was edited is the same request.
	Payee *uuid.UUID
}

// CreateInternalTransfer creates an internal transfer (instant, any day) to any well-formed
// account code, the same way whether the code names an account that can receive, one that cannot
// (never approved, disabled, blocked) or none: who holds a code, and whether anyone does, is
// learnt when the transfer runs (run), which fails it with invalid_target_account, after the
// payer's own reasons, when nobody can receive. It runs in the creating transaction when it needs
// no approval and is due today (instant: the answer is FINISHED or FAILED), else when approved
// and due (Execute). The target is stored whole when the code names an account that can receive
// now, as the code alone otherwise; HidesBeneficiary says who may see it before the transfer has
// run.
// Errors: field errors (INVALID, REQUIRED; INVALID when the target is the paying account itself),
// ACCOUNT_NOT_APPROVED (the paying account), IDEMPOTENCY_KEY_REUSED, OUTSIDE_WINDOW.
func (s *Service) CreateInternalTransfer(ctx context.Context, o auth.Grant, in InternalTransferInput) (*models.Payment, error) {
	var errs apperr.List
	validateCommon(&in.Common, KindInternalTransfer, &errs)
	code := strings.TrimSpace(strings.ReplaceAll(in.TargetAccountCode, "-", ""))
	target := Target{AccountCode: code}
	switch {
	case code == "":
		errs = append(errs, apperr.Field(apperr.Required, []string{"targetAccountCode"}, "targetAccountCode is required"))
	case !accounts.ValidAccountCode(code): // the code alone: says nothing about any account
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"targetAccountCode"}, "targetAccountCode must be digits ending in their check digit"))
	default:
		// One query whatever the answer, and one outcome for every code but the payer's own.
		acc, err := receiverByCode(s.db.WithContext(ctx), code)
		switch {
		case err != nil:
			return nil, err
		case acc != nil && acc.ID == in.AccountID: // the caller's own paying account: nothing to hide
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"targetAccountCode"}, "the target is the paying account itself"))
		case acc != nil:
			target = targetOf(acc)
		}
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	return s.create(ctx, o, draft{Common: in.Common, kind: KindInternalTransfer, target: target,
		hash: requestHash(KindInternalTransfer, in.Common, payeeOr(in.Payee, Target{AccountCode: code}))})
}

// payeeOr is what a transfer's fingerprint covers of its target: the contact's bank account when
// the caller named one (what it resolves to may change with the contact), else the target.
func payeeOr(payee *uuid.UUID, target Target) Target {
	if payee != nil {
		return Target{AccountCode: "contact:" + payee.String()}
	}
	return target
}

// TEDTarget is a bank account at another institution and its holder.
type TEDTarget struct {
	BankCode, ISPB          string // one of them; both must agree when both are given
	BranchCode, AccountCode string
	AccountType             string // CC (default), CD, CG, CI, PG, PP
	Name, Document          string
}

// TEDInput pays a bank account at another institution.
type TEDInput struct {
	Common
	Target TEDTarget
	Payee  *uuid.UUID // as InternalTransferInput's: the contact's bank account named instead of Target
}

// CreateTED creates a TED to another bank, run on business days inside the TED window.
// Errors: field errors (INVALID, REQUIRED, INVALID_DOCUMENT), ACCOUNT_NOT_APPROVED,
// IDEMPOTENCY_KEY_REUSED, OUTSIDE_WINDOW.
func (s *Service) CreateTED(ctx context.Context, o auth.Grant, in TEDInput) (*models.Payment, error) {
	var errs apperr.List
	validateCommon(&in.Common, KindTED, &errs)
	t := in.Target
	f := func(name string) []string { return []string{"target", name} }
	ba := CheckBankAccount(BankAccountInput{BankCode: t.BankCode, ISPB: t.ISPB, BranchCode: t.BranchCode, AccountCode: t.AccountCode, AccountType: t.AccountType}, f, &errs)
	if IsStone(ba.Bank.Code, ba.Bank.ISPB) {
		errs = append(errs, apperr.Field(apperr.Invalid, f("bankCode"), "the target is a Stone account: use createInternalTransfer"))
	}
	name, doc := CheckBeneficiary(t.Name, t.Document, f, &errs)
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	target := Target{Name: name, Document: doc.Number, DocumentType: string(doc.Type), ISPB: ba.Bank.ISPB, BankCode: ba.Bank.Code,
		BankName: ba.Bank.Name, BranchCode: ba.BranchCode, AccountCode: ba.AccountCode, AccountType: ba.AccountType}
	return s.woken(s.create(ctx, o, draft{Common: in.Common, kind: KindTED, target: target, hash: requestHash(KindTED, in.Common, payeeOr(in.Payee, target))}))
}

// BarcodeInput pays a boleto or an arrecadação code.
type BarcodeInput struct {
	Common
	Code   string
	Amount *money.Cents // only when the code carries no amount
}

// PayBarcode pays a boleto (44-digit barcode or 47-digit line) or arrecadação (44 or 48).
// Errors: INVALID_BARCODE (with the reason), field errors, ACCOUNT_NOT_APPROVED,
// IDEMPOTENCY_KEY_REUSED, OUTSIDE_WINDOW.
func (s *Service) PayBarcode(ctx context.Context, o auth.Grant, in BarcodeInput) (*models.Payment, error) {
	b, err := brazil.DecodeBarcode(in.Code, clockDate(s.now()).Time())
	if err != nil {
		var be *brazil.BarcodeError
		if errors.As(err, &be) {
			return nil, apperr.Field(apperr.InvalidBarcode, []string{"code"}, "%s (%s)", be.Message, be.Reason)
		}
		return nil, err
	}
	var errs apperr.List
	switch {
	case b.HasAmount && in.Amount != nil && *in.Amount != money.Cents(b.AmountCents):
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"amount"}, "the code carries its amount (%s): leave amount out", money.Cents(b.AmountCents)))
	case b.HasAmount:
		in.Common.Amount = money.Cents(b.AmountCents)
	case in.Amount == nil:
		errs = append(errs, apperr.Field(apperr.Required, []string{"amount"}, "this code carries no amount: give amount"))
	default:
		in.Common.Amount = *in.Amount
	}
	kind := KindBoleto
	target := Target{Barcode: b.Barcode, TypedLine: b.FormattedLine()}
	if b.Boleto != nil && s.receivables != nil && len(errs) == 0 {
		// A boleto Ponte issued: the payer is charged what is due on the payment's day, and a
		// boleto that can no longer be paid is refused before anything moves.
		on := clockDate(s.now())
		if in.ScheduledFor != nil && in.ScheduledFor.After(on) {
			on = *in.ScheduledFor
		}
		r, err := s.receivables.Quote(ctx, s.db.WithContext(ctx), b.Boleto, on)
		if err != nil {
			return nil, err
		}
		if r != nil {
			if in.Amount != nil && *in.Amount != r.Amount {
				return nil, apperr.Field(apperr.Invalid, []string{"amount"}, "this boleto's amount due on %s is %s: leave amount out", on, r.Amount)
			}
			if r.Beneficiary.AccountID != nil && *r.Beneficiary.AccountID == in.AccountID {
				return nil, apperr.Field(apperr.Invalid, []string{"code"}, "this boleto was issued by the paying account itself")
			}
			in.Common.Amount = r.Amount
			bf := r.Beneficiary
			target.AccountID, target.Name, target.Document, target.DocumentType = bf.AccountID, bf.Name, bf.Document, bf.DocumentType
			target.BranchCode, target.AccountCode = bf.BranchCode, bf.AccountCode
		}
	}
	if b.DueDate != nil {
		target.DueDate = b.DueDate.String()
	}
	if b.Arrecadacao != nil {
		kind, target.Segment = KindBarcode, b.Arrecadacao.SegmentName()
	} else if bank, ok := brazil.BankByCode(b.BankCode); ok {
		target.BankCode, target.BankName, target.ISPB = bank.Code, bank.Name, bank.ISPB
	}
	validateCommon(&in.Common, kind, &errs)
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	return s.woken(s.create(ctx, o, draft{Common: in.Common, kind: kind, target: target, hash: requestHash(kind, in.Common, Target{Barcode: b.Barcode})}))
}
