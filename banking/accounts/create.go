package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/models"
)

// saoPaulo is the bank's calendar: "today" for date checks is the São Paulo day.
var saoPaulo = saopaulo.Location

// Create opens an account owned by ownerTenantID (nil: operated by no tenant). It starts
// LAST_KYC_NOT_APPROVED with no payment account and no limit plan (R$0.00 limits).
//
// Errors: an apperr.List of field errors (REQUIRED, INVALID, INVALID_DOCUMENT); DUPLICATE_DOCUMENT
// when the document already has an account; DOCUMENT_BLOCKED when that account was BLOCKED.
func (s *Service) Create(ctx context.Context, ownerTenantID *uuid.UUID, in CreateInput) (*models.Account, error) {
	now := s.now()
	today := now.In(saoPaulo)
	v, err := validate(in, time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	acc := &models.Account{
		OwnerTenantID:        ownerTenantID,
		Name:                 v.name,
		Email:                v.email,
		MobileNumber:         v.mobile,
		Username:             v.username,
		DateOfBirth:          v.dateOfBirth,
		Document:             v.doc.Number,
		DocumentType:         string(v.doc.Type),
		Status:               string(StatusLastKYCNotApproved),
		RequestedAccountType: v.accountType,
		CreatedAt:            now,
		UpdatedAt:            now,
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := documentFree(tx, v.doc.Number); err != nil {
			return err
		}
		if err := usernameFree(tx, v.username); err != nil {
			return err
		}
		if err := tx.Create(acc).Error; err != nil {
			return err
		}
		for _, r := range v.representatives {
			rep := models.AccountRepresentative{AccountID: acc.ID, Document: r.Document, Name: r.Name, CreatedAt: now}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&rep).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if isUniqueViolation(err, "accounts_document_key") { // lost a race with the same document
		return nil, apperr.Field(apperr.DuplicateDocument, []string{"document"}, "an account with this document already exists")
	}
	if isUniqueViolation(err, "accounts_username_key") { // lost a race with the same username
		return nil, errUsernameTaken()
	}
	if err != nil {
		return nil, err
	}
	return acc, nil
}

// errUsernameTaken refuses a username another account has.
func errUsernameTaken() error {
	return apperr.Field(apperr.Invalid, []string{"username"}, "this username is taken: choose another")
}

// usernameFree reports whether username (nil: none asked for) is free.
func usernameFree(tx *gorm.DB, username *string) error {
	if username == nil {
		return nil
	}
	var n int64
	if err := tx.Model(&models.Account{}).Where("username = ?", *username).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return errUsernameTaken()
	}
	return nil
}

// documentFree reports whether a document may open an account.
func documentFree(tx *gorm.DB, document string) error {
	var existing models.Account
	err := tx.Select("status").Where("document = ?", document).Take(&existing).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil
	case err != nil:
		return err
	case Status(existing.Status) == StatusBlocked:
		return apperr.Field(apperr.DocumentBlocked, []string{"document"}, "this document was blocked by KYC and cannot open an account")
	default:
		return apperr.Field(apperr.DuplicateDocument, []string{"document"}, "an account with this document already exists")
	}
}

func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}
