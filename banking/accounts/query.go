package accounts

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// Get returns one account with its payment account and limit plan. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Account, error) {
	return Find(s.db.WithContext(ctx), id)
}

// GetBankAccount returns one payment account. Errors: NOT_FOUND.
func (s *Service) GetBankAccount(ctx context.Context, id uuid.UUID) (*models.BankAccount, error) {
	var ba models.BankAccount
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&ba).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no bank account with this id")
	}
	return &ba, err
}

// Page is one page of accounts in creation order.
type Page struct {
	Accounts []*models.Account
	HasNext  bool
	Total    int64
}

// List returns the accounts visible lets the caller see, oldest first, after the page's cursor.
// visible comes from the authorizer (auth.Authorizer.AccountVisibility); nil shows nothing.
func (s *Service) List(ctx context.Context, visible func(*gorm.DB) *gorm.DB, p paging.Page) (*Page, error) {
	if visible == nil {
		visible = func(q *gorm.DB) *gorm.DB { return q.Where("false") }
	}
	db := s.db.WithContext(ctx)
	var total int64
	if err := visible(db.Model(&models.Account{})).Count(&total).Error; err != nil {
		return nil, err
	}
	q := visible(db.Preload("BankAccount").Preload("LimitPlan"))
	if p.After != nil {
		q = q.Where("(created_at, id) > (?, ?)", p.After.At, p.After.ID)
	}
	var rows []*models.Account
	if err := q.Order("created_at, id").Limit(p.First + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	page := &Page{Accounts: rows, Total: total}
	if len(rows) > p.First {
		page.Accounts, page.HasNext = rows[:p.First], true
	}
	return page, nil
}

// CursorOf is the keyset cursor just after a.
func CursorOf(a *models.Account) paging.Cursor { return paging.Cursor{At: a.CreatedAt, ID: a.ID} }

// GetMany returns the accounts of ids that exist, with their payment accounts and limit plans,
// by id, in one query per table.
func (s *Service) GetMany(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*models.Account, error) {
	var rows []*models.Account
	if err := s.db.WithContext(ctx).Preload("BankAccount").Preload("LimitPlan").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*models.Account, len(rows))
	for _, a := range rows {
		out[a.ID] = a
	}
	return out, nil
}
