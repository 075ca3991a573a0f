package payments

import (
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/models"
)

// Target is who or what a payment pays: a Ponte account, a bank account elsewhere, or a barcode.
// It is the payment's Target field, which gorm stores as JSON. An internal transfer's target is
// the whole receiving account when its code named one that could receive at creation, and the
// code alone otherwise (Execute looks it up again when it runs).
type Target = models.PaymentTarget

// HidesBeneficiary reports whether a payment of kind k in status s shows only its target's
// account code (WithoutBeneficiary) to a caller who may not read the receiving account: a
// transfer to another Ponte account names who receives it once it has FINISHED (a REFUNDED
// payment had), never before, whether or not the code names anyone. Otherwise a tenant could
// learn the owner of any account code, or that a code is taken, by asking for a transfer that
// will never run. A TED's target is what the tenant typed itself: shown as given.
func HidesBeneficiary(k Kind, s Status) bool {
	return k == KindInternalTransfer && s != StatusFinished && s != StatusRefunded
}

// WithoutBeneficiary returns what the payer gave of an internal transfer's target, the account
// code, and nothing the code may name: no holder, document, institution, branch or account type,
// the same whether the code names an account or none.
func WithoutBeneficiary(t Target) Target {
	return Target{AccountCode: t.AccountCode}
}

// receiverByCode returns the account whose payment account has code if it can receive money now
// (approved, with its payment account: the ledger's rule), and nil when none can: nobody has the
// code, or its account is not approved, disabled or blocked. One query whatever the answer.
func receiverByCode(db *gorm.DB, code string) (*models.Account, error) {
	acc, err := accounts.FindByAccountCode(db, code)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case acc.Status != string(accounts.StatusApproved) || acc.BankAccount == nil:
		return nil, nil
	}
	return acc, nil
}

// targetOf is the whole target of an internal transfer to acc: its holder and payment account.
func targetOf(acc *models.Account) Target {
	ba := acc.BankAccount
	return Target{AccountID: &acc.ID, Name: acc.Name, Document: acc.Document, DocumentType: acc.DocumentType,
		ISPB: ba.InstitutionISPB, BankCode: ba.InstitutionCode, BankName: ba.InstitutionName, BranchCode: ba.BranchCode,
		AccountCode: ba.AccountCode, AccountType: ba.AccountType}
}
