package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// Visibility says which accounts a list may show. The authorizer builds it from the caller; the
// zero value shows nothing.
type Visibility struct {
	All           bool       // operators
	OwnerTenantID *uuid.UUID // a tenant's own accounts...
	ConsentScope  string     // ...and those it holds a live consent on with this scope ("" none)
	Now           time.Time  // the instant consents are judged at
	Document      string     // a holder's accounts, or the companies the holder represents
}

func (v Visibility) scope(q *gorm.DB) *gorm.DB {
	switch {
	case v.All:
		return q
	case v.OwnerTenantID != nil && v.ConsentScope != "":
		return q.Where(`(owner_tenant_id = ? OR id IN (SELECT account_id FROM consents
			WHERE tenant_id = ? AND status = 'AUTHORISED' AND expires_at > ? AND ? = ANY (scopes)))`,
			*v.OwnerTenantID, *v.OwnerTenantID, v.Now, v.ConsentScope)
	case v.OwnerTenantID != nil:
		return q.Where("owner_tenant_id = ?", *v.OwnerTenantID)
	case v.Document != "":
		return q.Where("id IN (?)", HeldBy(q.Session(&gorm.Session{NewDB: true}), v.Document))
	default:
		return q.Where("false")
	}
}

// Get returns one account with its payment account and limit plan. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Account, error) {
	var acc models.Account
	err := s.db.WithContext(ctx).Preload("BankAccount").Preload("LimitPlan").Where("id = ?", id).Take(&acc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no account with this id")
	}
	return &acc, err
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

// List returns the accounts v allows, oldest first, after the page's cursor.
func (s *Service) List(ctx context.Context, v Visibility, p paging.Page) (*Page, error) {
	db := s.db.WithContext(ctx)
	var total int64
	if err := v.scope(db.Model(&models.Account{})).Count(&total).Error; err != nil {
		return nil, err
	}
	q := v.scope(db.Preload("BankAccount").Preload("LimitPlan"))
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
