// Package devseed registers the demo tenants and the demo holder's account, so that a fresh
// development server is usable at once. It runs only outside production and is idempotent:
// starting the server again changes nothing.
package devseed

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/models"
)

// Tenants are the demo ERPs, matching the development OpenID Provider's clients.
var Tenants = []models.Tenant{
	{ClientID: "demo-erp", Name: "Demo ERP", AllowedScopes: auth.TenantScopes, RedirectURIs: []string{"http://localhost:3000/consent/callback"}},
	{ClientID: "demo-erp-2", Name: "Second Demo ERP", AllowedScopes: auth.TenantScopes, RedirectURIs: []string{"http://localhost:3001/consent/callback"}},
}

// Holder describes the demo holder's account: operated by no tenant, KYC-approved.
type Holder struct {
	Name, Email, Document string
}

// Seed registers the demo tenants and opens and approves the holder's account if missing.
func Seed(ctx context.Context, db *gorm.DB, svc *accounts.Service, h Holder) error {
	for _, t := range Tenants {
		t := t
		if err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&t).Error; err != nil {
			return fmt.Errorf("seed tenant %s: %w", t.ClientID, err)
		}
	}
	var existing models.Account
	err := db.WithContext(ctx).Where("document = ?", h.Document).Take(&existing).Error
	if err == nil {
		return nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	acc, err := svc.Create(ctx, nil, accounts.CreateInput{Name: h.Name, Email: h.Email, Document: h.Document})
	if apperr.CodeOf(err) == apperr.DuplicateDocument { // another replica seeded it first
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed holder account: %w", err)
	}
	if _, err := svc.Review(ctx, acc.ID, accounts.DecisionApprove, ptr("demo account"), "devseed"); err != nil {
		return fmt.Errorf("approve holder account: %w", err)
	}
	return nil
}

func ptr(s string) *string { return &s }
