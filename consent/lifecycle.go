package consent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
)

// allowed is the consent status machine.
var allowed = map[Status][]Status{
	StatusAwaiting:   {StatusAuthorised, StatusRejected, StatusExpired},
	StatusAuthorised: {StatusRevoked, StatusExpired},
}

func canMove(from, to Status) bool {
	for _, s := range allowed[from] {
		if s == to {
			return true
		}
	}
	return false
}

// transition moves c to `to` inside tx, recording the change in the event log (who, why, the
// request behind it), where subscriptions and webhooks read it, and, when a grant ends, running
// the end hooks (OnEnd) in tx. The caller has locked c's row and set any other columns.
func (s *Service) transition(ctx context.Context, tx *gorm.DB, c *models.Consent, to Status, actor string, reason *string) error {
	from := Status(c.Status)
	if !canMove(from, to) {
		return fmt.Errorf("consent %s: %s → %s is not a transition", c.ID, from, to)
	}
	now := s.now()
	c.Status, c.UpdatedAt = string(to), now
	if err := tx.Save(c).Error; err != nil {
		return err
	}
	fromStr := string(from)
	if err := logEvent(ctx, tx, c, &fromStr, to, actor, reason, now); err != nil {
		return err
	}
	if from == StatusAuthorised && c.AccountID != nil { // a grant ends: REVOKED or EXPIRED
		for _, h := range s.onEnd {
			if err := h(ctx, tx, c.TenantID, *c.AccountID, string(to)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ExpireDue moves consents past their deadline to EXPIRED: links not used in time and grants
// past their end. Authorization never waits for this (it compares expires_at itself); it keeps
// statuses and events truthful. Safe to run on every replica at once.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	now := s.now()
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var due []models.Consent
		unusedLinks := tx.Session(&gorm.Session{NewDB: true}).Where("status = ? AND link_expires_at <= ?", StatusAwaiting, now)
		lapsedGrants := auth.LapsedConsent(tx.Session(&gorm.Session{NewDB: true}), now)
		err := tx.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).Where(unusedLinks).Or(lapsedGrants).
			Order("id").Limit(500).Find(&due).Error
		if err != nil {
			return err
		}
		for i := range due {
			reason := "deadline passed"
			if err := s.transition(ctx, tx, &due[i], StatusExpired, "system", &reason); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

// logEvent appends a transition of c to the event log; events.Record adds the request behind ctx.
func logEvent(ctx context.Context, tx *gorm.DB, c *models.Consent, from *string, to Status, actor string, reason *string, at time.Time) error {
	return events.Record(ctx, tx, &events.Event{Name: "consent_" + strings.ToLower(string(to)), Topic: events.TopicConsent,
		TenantID: &c.TenantID, AccountID: c.AccountID, ConsentID: &c.ID, FromStatus: from, ToStatus: string(to),
		Actor: actor, Reason: reason, OccurredAt: at})
}
