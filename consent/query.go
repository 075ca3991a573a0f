package consent

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// Get returns one consent with its tenant. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Consent, error) {
	var c models.Consent
	err := s.db.WithContext(ctx).Preload("Tenant").Where("id = ?", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no consent with this id")
	}
	return &c, err
}

// Filter says which consents a list shows.
type Filter struct {
	// Visible narrows the list to what the caller may see; the authorizer builds it
	// (auth.Authorizer.ConsentVisibility). nil shows nothing.
	Visible  func(*gorm.DB) *gorm.DB
	Statuses []Status
}

// ConsentPage is one page of consents, oldest first.
type ConsentPage struct {
	Consents []*models.Consent
	HasNext  bool
	Total    int64
}

// List returns the consents f allows.
func (s *Service) List(ctx context.Context, f Filter, p paging.Page) (*ConsentPage, error) {
	scope := func(q *gorm.DB) *gorm.DB {
		if f.Visible == nil {
			return q.Where("false")
		}
		q = f.Visible(q)
		if len(f.Statuses) > 0 {
			q = q.Where("status IN ?", f.Statuses)
		}
		return q
	}
	db := s.db.WithContext(ctx)
	var total int64
	if err := scope(db.Model(&models.Consent{})).Count(&total).Error; err != nil {
		return nil, err
	}
	q := scope(db.Preload("Tenant"))
	if p.After != nil {
		q = q.Where("(created_at, id) > (?, ?)", p.After.At, p.After.ID)
	}
	var rows []*models.Consent
	if err := q.Order("created_at, id").Limit(p.First + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := &ConsentPage{Consents: rows, Total: total}
	if len(rows) > p.First {
		out.Consents, out.HasNext = rows[:p.First], true
	}
	return out, nil
}

// CursorOf is the keyset cursor just after c.
func CursorOf(c *models.Consent) paging.Cursor { return paging.Cursor{At: c.CreatedAt, ID: c.ID} }

func trimmed(s *string) *string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}
