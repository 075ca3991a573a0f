package payments

import (
	"regexp"
	"strings"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
)

// BankAccountInput is a bank account at another institution as a caller types it: a TED's
// target, or a contact's bank account (banking/contacts keeps to the same rules through
// CheckBankAccount).
type BankAccountInput struct {
	BankCode, ISPB          string // one of them; both must agree when both are given
	BranchCode, AccountCode string
	AccountType             string // CC (default), CD, CG, CI, PG, PP
}

// BankAccount is a BankAccountInput that passed CheckBankAccount, in canonical form.
type BankAccount struct {
	Bank                    brazil.Bank
	BranchCode, AccountCode string
	AccountType             string
}

var (
	branchPattern  = regexp.MustCompile(`^[0-9]{1,4}$`)
	accountPattern = regexp.MustCompile(`^[0-9]{1,13}(-?[0-9Xx])?$`)
)

// IsStone reports whether a bank code or ISPB names Stone, Ponte's own institution: a payment to
// it is an internal transfer, never a TED.
func IsStone(bankCode, ispb string) bool {
	return ispb == stoneISPB || (bankCode != "" && strings.TrimLeft(bankCode, "0") == stoneCode)
}

// CheckBankAccount applies the rules of a TED target's bank account: the institution an STR
// participant by COMPE code or ISPB (both agreeing when both are given), the branch 1 to 4
// digits, the account digits with an optional check digit, the account type one of Stone's. It
// appends a field error per broken rule to errs, at field(name) (name one of bankCode, branchCode,
// accountCode, accountType). Whether Stone itself may be the institution is the caller's rule.
func CheckBankAccount(in BankAccountInput, field func(string) []string, errs *apperr.List) BankAccount {
	var bank brazil.Bank
	var ok bool
	switch {
	case in.ISPB != "":
		bank, ok = brazil.BankByISPB(in.ISPB)
		if ok && in.BankCode != "" && strings.TrimLeft(in.BankCode, "0") != strings.TrimLeft(bank.Code, "0") {
			*errs = append(*errs, apperr.Field(apperr.Invalid, field("bankCode"), "bankCode %s is not the COMPE code of ISPB %s", in.BankCode, in.ISPB))
		}
	case in.BankCode != "":
		bank, ok = brazil.BankByCode(in.BankCode)
	default:
		*errs = append(*errs, apperr.Field(apperr.Required, field("bankCode"), "give the bank's COMPE code or its ISPB"))
	}
	if (in.ISPB != "" || in.BankCode != "") && !ok {
		*errs = append(*errs, apperr.Field(apperr.Invalid, field("bankCode"), "no STR participant with that code; see the institutions query"))
	}
	if !branchPattern.MatchString(strings.TrimSpace(in.BranchCode)) {
		*errs = append(*errs, apperr.Field(apperr.Invalid, field("branchCode"), "branchCode must be 1 to 4 digits, without check digit"))
	}
	if !accountPattern.MatchString(strings.TrimSpace(in.AccountCode)) {
		*errs = append(*errs, apperr.Field(apperr.Invalid, field("accountCode"), "accountCode must be digits with an optional check digit"))
	}
	accType := in.AccountType
	switch accType {
	case "":
		accType = "CC"
	case "CC", "CD", "CG", "CI", "PG", "PP":
	default:
		*errs = append(*errs, apperr.Field(apperr.Invalid, field("accountType"), "accountType must be one of CC, CD, CG, CI, PG, PP"))
	}
	return BankAccount{Bank: bank, BranchCode: strings.TrimSpace(in.BranchCode), AccountCode: strings.ToUpper(strings.TrimSpace(in.AccountCode)), AccountType: accType}
}

// CheckBeneficiary applies the rules of a TED target's holder: a name of at most 100 bytes
// (spaces folded) and a valid CPF or CNPJ. It appends a field error per broken rule to errs, at
// field("name") and field("document"), and returns both in canonical form.
func CheckBeneficiary(name, document string, field func(string) []string, errs *apperr.List) (string, brazil.Document) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len(name) > 100 {
		*errs = append(*errs, apperr.Field(apperr.Required, field("name"), "the beneficiary's name is required (at most 100 characters)"))
	}
	doc, err := brazil.ParseDocument(document, "")
	if err != nil {
		*errs = append(*errs, apperr.Field(apperr.InvalidDocument, field("document"), "%s", err.Error()))
	}
	return name, doc
}
