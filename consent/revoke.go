package consent

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// Revoke ends an AUTHORISED consent at once. by names who revoked ("tenant:<client>" or
// "holder:<sub>"); the caller has checked that they may. Revoking an AWAITING_AUTHORISATION
// consent is refused: it was never granted (let it expire, or reject it).
//
// Errors: NOT_FOUND, INVALID_STATE.
func (s *Service) Revoke(ctx context.Context, id uuid.UUID, by string, reason *string) (*models.Consent, error) {
	var c models.Consent
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&c).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.Field(apperr.NotFound, []string{"consentId"}, "no consent with this id")
		}
		if err != nil {
			return err
		}
		if Status(c.Status) != StatusAuthorised {
			return apperr.Field(apperr.InvalidState, []string{"consentId"}, "only an AUTHORISED consent can be revoked; this one is %s", c.Status)
		}
		now := s.now()
		c.RevokedAt, c.RevokedBy, c.RevocationReason = &now, &by, trimmed(reason)
		return s.transition(ctx, tx, &c, StatusRevoked, by, trimmed(reason))
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}
