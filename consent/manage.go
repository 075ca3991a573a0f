package consent

import (
	"context"
	"crypto/subtle"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/models"
)

// page is what a logged-in holder's page needs: the session and, for a consent, the request.
type page struct {
	Session    *models.HolderSession
	Consent    *models.Consent
	Candidates []models.Account
	Grants     []models.Consent // "my consents"
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

// managePage loads the holder's live grants.
func (s *Service) managePage(ctx context.Context, sessionID uuid.UUID, cookie string) (*page, error) {
	sess, err := s.loggedIn(ctx, sessionID, cookie)
	if err != nil {
		return nil, err
	}
	if sess.Purpose != "manage" {
		return nil, errBadSession
	}
	var grants []models.Consent
	doc := *sess.HolderDocument
	err = s.db.WithContext(ctx).Preload("Tenant").Preload("Account.BankAccount").
		Where("status = ? AND expires_at > ?", StatusAuthorised, s.now()).
		Where("account_id IN (?)", accounts.HeldBy(s.db.WithContext(ctx), doc)).
		Order("created_at").Find(&grants).Error
	return &page{Session: sess, Grants: grants}, err
}

// RevokeByHolder revokes one of the holder's grants from the "my consents" page.
func (s *Service) revokeByHolder(ctx context.Context, sessionID uuid.UUID, cookie, csrf string, consentID uuid.UUID) error {
	p, err := s.managePage(ctx, sessionID, cookie)
	if err != nil {
		return err
	}
	if err := checkForm(p.Session, cookie, csrf, s.now()); err != nil {
		return err
	}
	for _, g := range p.Grants {
		if g.ID == consentID {
			reason := "revoked by the holder"
			_, err := s.Revoke(ctx, consentID, "holder:"+*p.Session.HolderSubject, &reason)
			return err
		}
	}
	return errBadLink
}
