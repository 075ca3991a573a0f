package contacts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// CreateInput is a new contact of an account, with its bank accounts.
type CreateInput struct {
	AccountID uuid.UUID
	Details
	BankAccounts []BankAccountInput
}

// Create adds a contact to an account.
// Errors: field errors (REQUIRED, INVALID, INVALID_DOCUMENT; under ["bankAccounts", i] for a bank
// account), DUPLICATE_DOCUMENT (the account has a contact with this document),
// DUPLICATE_BANK_ACCOUNT (the same bank account twice).
func (s *Service) Create(ctx context.Context, by By, in CreateInput) (*models.Contact, error) {
	var errs apperr.List
	c := checkDetails(in.Details, &errs)
	for i, b := range in.BankAccounts {
		at := []string{"bankAccounts", fmt.Sprint(i)}
		ba := checkBankAccount(b, at, &errs)
		for j := range c.BankAccounts {
			if sameBankAccount(&c.BankAccounts[j], &ba) {
				errs = append(errs, apperr.Field(apperr.DuplicateBankAccount, at, "the same bank account as bankAccounts[%d]", j))
			}
		}
		c.BankAccounts = append(c.BankAccounts, ba)
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	now := s.now()
	c.AccountID, c.CreatedBy, c.CreatedAt, c.UpdatedAt = in.AccountID, by.Actor, now, now
	for i := range c.BankAccounts { // one microsecond apart: listed (oldest first) in the order given
		c.BankAccounts[i].CreatedAt = now.Add(time.Duration(i) * time.Microsecond)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		return s.record(ctx, tx, by, &c, EventCreated, nil)
	})
	if err != nil {
		return nil, refusal(err)
	}
	return &c, nil
}

// UpdateInput changes a contact's own fields; nil leaves a field as it is, and a blank email or
// mobile number removes it.
type UpdateInput struct {
	ContactID                           uuid.UUID
	Name, Document, Email, MobileNumber *string
}

// Update changes a contact's own fields (its bank accounts change through AddBankAccount and
// RemoveBankAccount). Payments made to it keep the target they were made with.
// Errors: NOT_FOUND, field errors, DUPLICATE_DOCUMENT.
func (s *Service) Update(ctx context.Context, by By, in UpdateInput) (*models.Contact, error) {
	var out *models.Contact
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := findLocked(tx, in.ContactID)
		if err != nil {
			return err
		}
		d := Details{Name: c.Name, Document: c.Document, Email: c.Email, MobileNumber: c.MobileNumber}
		for dst, src := range map[*string]*string{&d.Name: in.Name, &d.Document: in.Document} {
			if src != nil {
				*dst = *src
			}
		}
		if in.Email != nil {
			d.Email = in.Email
		}
		if in.MobileNumber != nil {
			d.MobileNumber = in.MobileNumber
		}
		var errs apperr.List
		v := checkDetails(d, &errs)
		if err := errs.OrNil(); err != nil {
			return err
		}
		c.Name, c.Document, c.DocumentType, c.Email, c.MobileNumber, c.UpdatedAt = v.Name, v.Document, v.DocumentType, v.Email, v.MobileNumber, s.now()
		if err := tx.Model(c).Select("name", "document", "document_type", "email", "mobile_number", "updated_at").Updates(c).Error; err != nil {
			return err
		}
		out = c
		return s.record(ctx, tx, by, c, EventUpdated, nil)
	})
	if err != nil {
		return nil, refusal(err)
	}
	return out, nil
}

// Delete removes a contact and its bank accounts; payments made to it keep their targets. It
// returns the contact as it was. Errors: NOT_FOUND.
func (s *Service) Delete(ctx context.Context, by By, id uuid.UUID) (*models.Contact, error) {
	var out *models.Contact
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := findLocked(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Delete(&models.Contact{}, "id = ?", id).Error; err != nil {
			return err
		}
		out = c
		return s.record(ctx, tx, by, c, EventDeleted, nil)
	})
	return out, err
}

// AddBankAccount adds a bank account to a contact. Errors: NOT_FOUND, field errors under
// ["bankAccount"], DUPLICATE_BANK_ACCOUNT (the contact has it already).
func (s *Service) AddBankAccount(ctx context.Context, by By, contactID uuid.UUID, in BankAccountInput) (*models.Contact, error) {
	var errs apperr.List
	ba := checkBankAccount(in, []string{"bankAccount"}, &errs)
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	var out *models.Contact
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := findLocked(tx, contactID)
		if err != nil {
			return err
		}
		added, err := s.addBankAccount(tx, c, ba)
		if err != nil {
			return err
		}
		if !added {
			return apperr.Field(apperr.DuplicateBankAccount, []string{"bankAccount"}, "the contact already has this bank account")
		}
		out = c
		return s.record(ctx, tx, by, c, EventUpdated, ptr("bank account added"))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addBankAccount adds ba to c (locked) unless c has it already; added says which. c's bank
// accounts and updated_at are kept in step.
func (s *Service) addBankAccount(tx *gorm.DB, c *models.Contact, ba models.ContactBankAccount) (added bool, err error) {
	ba.ContactID, ba.CreatedAt = c.ID, s.now()
	res := tx.Clauses(clause.OnConflict{OnConstraint: "contact_bank_accounts_once", DoNothing: true}).Create(&ba)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	c.BankAccounts, c.UpdatedAt = append(c.BankAccounts, ba), ba.CreatedAt
	return true, tx.Model(c).Update("updated_at", c.UpdatedAt).Error
}

// RemoveBankAccount removes a bank account from its contact and returns the contact.
// Errors: NOT_FOUND.
func (s *Service) RemoveBankAccount(ctx context.Context, by By, bankAccountID uuid.UUID) (*models.Contact, error) {
	var out *models.Contact
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ba models.ContactBankAccount
		if err := tx.Where("id = ?", bankAccountID).Take(&ba).Error; err != nil {
			return notFound(err)
		}
		c, err := findLocked(tx, ba.ContactID)
		if err != nil {
			return err
		}
		if err := tx.Delete(&models.ContactBankAccount{}, "id = ?", ba.ID).Error; err != nil {
			return err
		}
		c.BankAccounts = deleteBankAccount(c.BankAccounts, ba.ID)
		c.UpdatedAt = s.now()
		if err := tx.Model(c).Update("updated_at", c.UpdatedAt).Error; err != nil {
			return err
		}
		out = c
		return s.record(ctx, tx, by, c, EventUpdated, ptr("bank account removed"))
	})
	return out, err
}

func deleteBankAccount(list []models.ContactBankAccount, id uuid.UUID) []models.ContactBankAccount {
	out := list[:0]
	for _, b := range list {
		if b.ID != id {
			out = append(out, b)
		}
	}
	return out
}

// findLocked reads a contact and its bank accounts, locking the contact's row for the
// transaction. Errors: NOT_FOUND.
func findLocked(tx *gorm.DB, id uuid.UUID) (*models.Contact, error) {
	var c models.Contact
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&c).Error
	if err != nil {
		return nil, notFound(err)
	}
	if err := tx.Where("contact_id = ?", id).Order("created_at, id").Find(&c.BankAccounts).Error; err != nil {
		return nil, err
	}
	return &c, nil
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.E(apperr.NotFound, "no contact with this id")
	}
	return err
}

// refusal turns the unique violation of a second contact with one document into its userError.
func refusal(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "contacts_account_document" {
		return apperr.Field(apperr.DuplicateDocument, []string{"document"}, "the account has a contact with this document already")
	}
	return err
}

func ptr[T any](v T) *T { return &v }
