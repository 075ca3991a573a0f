package payments

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// Get returns one payment. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Payment, error) {
	var p models.Payment
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no payment with this id")
	}
	return &p, err
}

// GetMany returns the payments with ids, in any order; missing ones are left out.
func (s *Service) GetMany(ctx context.Context, ids []uuid.UUID) ([]models.Payment, error) {
	var ps []models.Payment
	return ps, s.db.WithContext(ctx).Where("id IN ?", ids).Find(&ps).Error
}

// AccountsOf maps each existing payment of ids to the account it is on; missing ones are left
// out. The authorizer judges payments by their accounts through it (auth.PaymentAccounts).
func (s *Service) AccountsOf(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	var rows []struct{ ID, AccountID uuid.UUID }
	if err := s.db.WithContext(ctx).Model(&models.Payment{}).Select("id", "account_id").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]uuid.UUID, len(rows))
	for _, r := range rows {
		out[r.ID] = r.AccountID
	}
	return out, nil
}

// Page is one page of an account's payments, newest first.
type Page struct {
	Payments []*models.Payment
	HasNext  bool
}

// List returns an account's payments, newest first, optionally of some statuses.
func (s *Service) List(ctx context.Context, accountID uuid.UUID, statuses []Status, p paging.Page) (*Page, error) {
	q := s.db.WithContext(ctx).Where("account_id = ?", accountID)
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	if p.After != nil {
		q = q.Where("(created_at, id) < (?, ?)", p.After.At, p.After.ID)
	}
	var rows []*models.Payment
	if err := q.Order("created_at DESC, id DESC").Limit(p.First + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := &Page{Payments: rows}
	if len(rows) > p.First {
		out.Payments, out.HasNext = rows[:p.First], true
	}
	return out, nil
}

// ListMany is List for many accounts at once (the payments of a page of accounts), with the same
// statuses and page for each: one query, a LATERAL walk of the index payments_account_page per
// account. Every id gets a page.
func (s *Service) ListMany(ctx context.Context, accountIDs []uuid.UUID, statuses []Status, p paging.Page) (map[uuid.UUID]*Page, error) {
	where, args := "", []any{}
	if len(statuses) > 0 {
		where, args = " AND p.status IN ?", append(args, statuses)
	}
	pages, err := paging.PerAccount(ctx, s.db, "payments", where, args, accountIDs, p, func(r *models.Payment) uuid.UUID { return r.AccountID })
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*Page, len(pages))
	for id, pg := range pages {
		out[id] = &Page{Payments: pg.Rows, HasNext: pg.HasNext}
	}
	return out, nil
}

// CursorOf is the keyset cursor just after p.
func CursorOf(p *models.Payment) paging.Cursor { return paging.Cursor{At: p.CreatedAt, ID: p.ID} }

// Pending returns the payments waiting for the holder's approval on the given accounts, oldest
// first.
func (s *Service) Pending(ctx context.Context, accountIDs []uuid.UUID) ([]models.Payment, error) {
	var ps []models.Payment
	if len(accountIDs) == 0 {
		return ps, nil
	}
	err := s.db.WithContext(ctx).Where("account_id IN ? AND status = ? AND approval_expires_at > ?", accountIDs, StatusCreated, s.now()).
		Order("created_at, id").Find(&ps).Error
	return ps, err
}
