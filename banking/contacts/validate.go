package contacts

import (
	"strings"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
)

// BankAccountInput is a contact's bank account as a caller types it: a bank account elsewhere
// (the fields of a TED target), or a Ponte payee (bankCode "197", ISPB 16501555 or no bank at
// all, and the account code alone).
type BankAccountInput = payments.BankAccountInput

// Details are a contact's own fields as a caller types them.
type Details struct {
	Name, Document      string
	Email, MobileNumber *string // nil or blank: none
}

// checkDetails validates d, appending field errors to errs, and returns the contact's columns.
func checkDetails(d Details, errs *apperr.List) models.Contact {
	name, doc := payments.CheckBeneficiary(d.Name, d.Document, field, errs)
	c := models.Contact{Name: name, Document: doc.Number, DocumentType: string(doc.Type)}
	if d.Email != nil && strings.TrimSpace(*d.Email) != "" {
		email, err := accounts.ValidEmail(*d.Email)
		if err != nil {
			*errs = append(*errs, err.(*apperr.Error))
		}
		c.Email = &email
	}
	if d.MobileNumber != nil && strings.TrimSpace(*d.MobileNumber) != "" {
		m, err := brazil.ParseMobile(*d.MobileNumber)
		if err != nil {
			*errs = append(*errs, apperr.Field(apperr.Invalid, field("mobileNumber"), "%s", err.Error()))
		}
		c.MobileNumber = &m
	}
	return c
}

func field(name string) []string { return []string{name} }

// ponte is Ponte's own institution as the Banco Central lists it.
var ponte = func() brazil.Bank {
	b, ok := brazil.BankByISPB(accounts.Stone.ISPB)
	if !ok { // the embedded list lacks Stone: a build defect the tests catch
		panic("contacts: Stone is not in brazil's STR list")
	}
	return b
}()

// checkBankAccount validates one bank account, its field errors under at (e.g. ["bankAccounts",
// "0"]), and returns its columns (ContactID unset).
func checkBankAccount(in BankAccountInput, at []string, errs *apperr.List) models.ContactBankAccount {
	f := func(name string) []string { return append(append([]string{}, at...), name) }
	if in.BankCode == "" && in.ISPB == "" || payments.IsStone(in.BankCode, in.ISPB) {
		return checkPontePayee(in, f, errs)
	}
	ba := payments.CheckBankAccount(in, f, errs)
	branch := ba.BranchCode
	if n := len(branch); n > 0 && n < 4 { // agências are four digits: "1" is "0001"
		branch = strings.Repeat("0", 4-n) + branch
	}
	out := models.ContactBankAccount{ISPB: ba.Bank.ISPB, BankName: ba.Bank.Name, BranchCode: &branch,
		AccountCode: strings.ReplaceAll(ba.AccountCode, "-", ""), AccountType: &ba.AccountType}
	if ba.Bank.Code != "" {
		out.BankCode = &ba.Bank.Code
	}
	return out
}

// checkPontePayee validates a bank account at Ponte: the account code with its check digit, and
// nothing else. Whether an account has the code is never asked (a contact must not tell who
// holds a code, nor that anyone does); a payment to it learns that when it runs.
func checkPontePayee(in BankAccountInput, f func(string) []string, errs *apperr.List) models.ContactBankAccount {
	if in.BankCode != "" && in.ISPB != "" && !(payments.IsStone(in.BankCode, "") && in.ISPB == ponte.ISPB) {
		*errs = append(*errs, apperr.Field(apperr.Invalid, f("bankCode"), "bankCode %s is not the COMPE code of ISPB %s", in.BankCode, in.ISPB))
	}
	code := strings.ReplaceAll(strings.TrimSpace(in.AccountCode), "-", "")
	switch {
	case code == "":
		*errs = append(*errs, apperr.Field(apperr.Required, f("accountCode"), "accountCode is required"))
	case !accounts.ValidAccountCode(code):
		*errs = append(*errs, apperr.Field(apperr.Invalid, f("accountCode"), "a Ponte account code is digits ending in their check digit"))
	}
	if strings.TrimSpace(in.BranchCode) != "" {
		*errs = append(*errs, apperr.Field(apperr.Invalid, f("branchCode"), "a Ponte payee is its account code alone: leave branchCode out"))
	}
	if in.AccountType != "" {
		*errs = append(*errs, apperr.Field(apperr.Invalid, f("accountType"), "a Ponte payee is its account code alone: leave accountType out"))
	}
	return models.ContactBankAccount{ISPB: ponte.ISPB, BankCode: &ponte.Code, BankName: ponte.Name, AccountCode: code}
}

// IsPonte reports whether b is a Ponte payee (paid by internal transfer, not TED).
func IsPonte(b *models.ContactBankAccount) bool { return b.ISPB == ponte.ISPB }

// sameBankAccount reports whether a and b are one bank account.
func sameBankAccount(a, b *models.ContactBankAccount) bool {
	return a.ISPB == b.ISPB && a.AccountCode == b.AccountCode && deref(a.BranchCode) == deref(b.BranchCode)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
