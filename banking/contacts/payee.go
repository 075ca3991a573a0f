package contacts

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/models"
)

// payeeField is where a payment names a contact's bank account.
var payeeField = []string{"contactBankAccountId"}

// payee reads bank account id of one of accountID's contacts. One of another account's contacts
// is NOT_FOUND as a missing one is: the caller learns nothing of other accounts' contacts.
func (s *Service) payee(ctx context.Context, accountID, id uuid.UUID) (*models.ContactBankAccount, *models.Contact, error) {
	ba, c, err := s.GetBankAccount(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound || (err == nil && c.AccountID != accountID) {
		return nil, nil, apperr.Field(apperr.NotFound, payeeField, "the paying account has no contact bank account with this id")
	}
	return ba, c, err
}

// TEDTarget returns the TED target a payment from accountID to contact bank account id pays, as
// the contact is now: the payment keeps its own copy. Errors: NOT_FOUND and INVALID (a Ponte
// payee: pay it by internal transfer) at ["contactBankAccountId"].
func (s *Service) TEDTarget(ctx context.Context, accountID, id uuid.UUID) (payments.TEDTarget, error) {
	ba, c, err := s.payee(ctx, accountID, id)
	if err != nil {
		return payments.TEDTarget{}, err
	}
	if IsPonte(ba) {
		return payments.TEDTarget{}, apperr.Field(apperr.Invalid, payeeField, "this bank account is at Ponte: pay it with createInternalTransfer")
	}
	return payments.TEDTarget{ISPB: ba.ISPB, BranchCode: deref(ba.BranchCode), AccountCode: ba.AccountCode,
		AccountType: deref(ba.AccountType), Name: c.Name, Document: c.Document}, nil
}

// InternalTargetCode returns the account code an internal transfer from accountID to contact
// bank account id pays. Errors: NOT_FOUND and INVALID (a bank account elsewhere: pay it by TED)
// at ["contactBankAccountId"].
func (s *Service) InternalTargetCode(ctx context.Context, accountID, id uuid.UUID) (string, error) {
	ba, _, err := s.payee(ctx, accountID, id)
	if err != nil {
		return "", err
	}
	if !IsPonte(ba) {
		return "", apperr.Field(apperr.Invalid, payeeField, "this bank account is at another bank: pay it with createTedTransfer")
	}
	return ba.AccountCode, nil
}

// Payee is a payment's target as saveAsContact keeps it: who, and where they are paid.
type Payee struct {
	Details
	BankAccount BankAccountInput
}

// CheckDetails validates a payee's own fields as SavePayee will, so a payment that saves its
// target as a contact is refused before it is created: field errors at ["name"], ["document"],
// ["email"] and ["mobileNumber"].
func CheckDetails(d Details) error {
	var errs apperr.List
	checkDetails(d, &errs)
	return errs.OrNil()
}

// SavePayee adds a payment's target to an account's contacts, idempotently: the contact with its
// document (created with the payee's name when there is none) gains the bank account unless it
// has it already. created and added say what changed; a repeated call changes nothing.
// Errors: field errors (the payee as the payment validated it passes).
func (s *Service) SavePayee(ctx context.Context, by By, accountID uuid.UUID, p Payee) (c *models.Contact, changed bool, err error) {
	var errs apperr.List
	fresh := checkDetails(p.Details, &errs)
	ba := checkBankAccount(p.BankAccount, []string{"bankAccount"}, &errs)
	if err := errs.OrNil(); err != nil {
		return nil, false, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		fresh.AccountID, fresh.CreatedBy, fresh.CreatedAt, fresh.UpdatedAt = accountID, by.Actor, now, now
		// A concurrent save of the same document inserts nothing here and finds that one below.
		res := tx.Omit("BankAccounts").Clauses(clause.OnConflict{OnConstraint: "contacts_account_document", DoNothing: true}).Create(&fresh)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			if err := s.record(ctx, tx, by, &fresh, EventCreated, ptr("saved from a payment")); err != nil {
				return err
			}
			changed = true
		}
		var existing models.Contact
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("account_id = ? AND document = ?", accountID, fresh.Document).Take(&existing).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.E(apperr.Internal, "contacts: the contact saved for document %s is gone", fresh.Document)
		}
		if err != nil {
			return err
		}
		if c, err = findLocked(tx, existing.ID); err != nil {
			return err
		}
		added, err := s.addBankAccount(tx, c, ba)
		if err != nil || !added {
			return err
		}
		if res.RowsAffected == 1 {
			return nil // created with it: one event says so
		}
		changed = true
		return s.record(ctx, tx, by, c, EventUpdated, ptr("bank account saved from a payment"))
	})
	if err != nil {
		return nil, false, err
	}
	return c, changed, nil
}
