package payments

import (
	"context"
	"errors"
	"regexp"
	"strings"

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
}

// CreateInternalTransfer creates an internal transfer (instant, any day) to any well-formed
// account code, the same way whether the code names an account that can receive, one that cannot
// (never approved, disabled, blocked) or none: who holds a code, and whether anyone does, is
// learnt when the transfer runs (Execute), which fails it with invalid_target_account, after the
// payer's own reasons, when nobody can receive. The target is stored whole when the code names an
// account that can receive now, as the code alone otherwise; HidesBeneficiary says who may see it
// before the transfer has run.
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
		hash: requestHash(KindInternalTransfer, in.Common, Target{AccountCode: code})})
}

// TEDTarget is a bank account at another institution.
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
}

var (
	branchPattern  = regexp.MustCompile(`^[0-9]{1,4}$`)
	accountPattern = regexp.MustCompile(`^[0-9]{1,13}(-?[0-9Xx])?$`)
)

// CreateTED creates a TED to another bank, run on business days inside the TED window.
// Errors: field errors (INVALID, REQUIRED, INVALID_DOCUMENT), ACCOUNT_NOT_APPROVED,
// IDEMPOTENCY_KEY_REUSED, OUTSIDE_WINDOW.
func (s *Service) CreateTED(ctx context.Context, o auth.Grant, in TEDInput) (*models.Payment, error) {
	var errs apperr.List
	validateCommon(&in.Common, KindTED, &errs)
	t := in.Target
	f := func(name string) []string { return []string{"target", name} }
	var bank brazil.Bank
	var ok bool
	switch {
	case t.ISPB != "":
		bank, ok = brazil.BankByISPB(t.ISPB)
		if ok && t.BankCode != "" && strings.TrimLeft(t.BankCode, "0") != strings.TrimLeft(bank.Code, "0") {
			errs = append(errs, apperr.Field(apperr.Invalid, f("bankCode"), "bankCode %s is not the COMPE code of ISPB %s", t.BankCode, t.ISPB))
		}
	case t.BankCode != "":
		bank, ok = brazil.BankByCode(t.BankCode)
	default:
		errs = append(errs, apperr.Field(apperr.Required, f("bankCode"), "give the bank's COMPE code or its ISPB"))
	}
	if (t.ISPB != "" || t.BankCode != "") && !ok {
		errs = append(errs, apperr.Field(apperr.Invalid, f("bankCode"), "no STR participant with that code; see the institutions query"))
	}
	if ok && (bank.ISPB == stoneISPB || bank.Code == stoneCode) {
		errs = append(errs, apperr.Field(apperr.Invalid, f("bankCode"), "the target is a Stone account: use createInternalTransfer"))
	}
	if !branchPattern.MatchString(strings.TrimSpace(t.BranchCode)) {
		errs = append(errs, apperr.Field(apperr.Invalid, f("branchCode"), "branchCode must be 1 to 4 digits, without check digit"))
	}
	if !accountPattern.MatchString(strings.TrimSpace(t.AccountCode)) {
		errs = append(errs, apperr.Field(apperr.Invalid, f("accountCode"), "accountCode must be digits with an optional check digit"))
	}
	accType := t.AccountType
	switch accType {
	case "":
		accType = "CC"
	case "CC", "CD", "CG", "CI", "PG", "PP":
	default:
		errs = append(errs, apperr.Field(apperr.Invalid, f("accountType"), "accountType must be one of CC, CD, CG, CI, PG, PP"))
	}
	name := strings.Join(strings.Fields(t.Name), " ")
	if name == "" || len(name) > 100 {
		errs = append(errs, apperr.Field(apperr.Required, f("name"), "the beneficiary's name is required (at most 100 characters)"))
	}
	doc, err := brazil.ParseDocument(t.Document, "")
	if err != nil {
		errs = append(errs, apperr.Field(apperr.InvalidDocument, f("document"), "%s", err.Error()))
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	target := Target{Name: name, Document: doc.Number, DocumentType: string(doc.Type), ISPB: bank.ISPB, BankCode: bank.Code,
		BankName: bank.Name, BranchCode: strings.TrimSpace(t.BranchCode), AccountCode: strings.ToUpper(strings.TrimSpace(t.AccountCode)), AccountType: accType}
	return s.create(ctx, o, draft{Common: in.Common, kind: KindTED, target: target, hash: requestHash(KindTED, in.Common, target)})
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
	return s.create(ctx, o, draft{Common: in.Common, kind: kind, target: target, hash: requestHash(kind, in.Common, Target{Barcode: b.Barcode})})
}
