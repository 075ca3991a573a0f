package consent

import (
	"context"
	"crypto/subtle"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/models"
)

// page is what a logged-in holder's page needs: the session and, for a consent, the request.
type page struct {
	Session    *models.HolderSession
	Consent    *models.Consent
	Candidates []models.Account
}

// loggedIn loads a session this browser owns, logged in and unexpired.
func (s *Service) loggedIn(ctx context.Context, sessionID uuid.UUID, cookie string) (*models.HolderSession, error) {
	var sess models.HolderSession
	err := s.db.WithContext(ctx).Where("id = ?", sessionID).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errBadSession
	}
	if err != nil {
		return nil, err
	}
	if cookie == "" || subtle.ConstantTimeCompare(hashSecret(cookie), sess.CookieHash) != 1 || sess.HolderDocument == nil || !s.now().Before(sess.ExpiresAt) {
		return nil, errBadSession
	}
	return &sess, nil
}

// decisionPage loads what the consent page shows.
func (s *Service) decisionPage(ctx context.Context, sessionID uuid.UUID, cookie string) (*page, error) {
	sess, err := s.loggedIn(ctx, sessionID, cookie)
	if err != nil {
		return nil, err
	}
	if sess.Purpose != "consent" {
		return nil, errBadSession
	}
	if sess.DoneAt != nil {
		return nil, errSessionUsed
	}
	var c models.Consent
	db := s.db.WithContext(ctx)
	if err := db.Preload("Tenant").Where("id = ?", sess.ConsentID).Take(&c).Error; err != nil {
		return nil, err
	}
	if Status(c.Status) != StatusAwaiting {
		return nil, errSessionUsed
	}
	cands, err := candidates(db, &c, *sess.HolderDocument)
	if err != nil {
		return nil, err
	}
	return &page{Session: sess, Consent: &c, Candidates: cands}, nil
}

// liveGrants returns the live grants visible lets the holder see, oldest first, with their
// tenants and accounts: the "my consents" page.
func (s *Service) liveGrants(ctx context.Context, visible func(*gorm.DB) *gorm.DB) ([]models.Consent, error) {
	var grants []models.Consent
	q := visible(s.db.WithContext(ctx).Preload("Tenant").Preload("Account.BankAccount"))
	return grants, auth.LiveConsent(q, s.now(), "").Order("created_at").Find(&grants).Error
}
