// Package devseed registers the demo tenants and the demo holder's account, so that a fresh
// development server is usable at once. It runs only outside production and is idempotent:
// starting the server again changes nothing.
package devseed

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Tenants are the demo ERPs, matching the development OpenID Provider's clients.
var Tenants = []models.Tenant{
	{ClientID: "demo-erp", Name: "Demo ERP", AllowedScopes: auth.TenantScopes, RedirectURIs: []string{"http://localhost:3000/consent/callback"}},
	{ClientID: "demo-erp-2", Name: "Second Demo ERP", AllowedScopes: auth.TenantScopes, RedirectURIs: []string{"http://localhost:3001/consent/callback"}},
	// Registered without accounts:read: it may open accounts and move and read payments, but
	// never read an account, by any path (the authorization matrix calls it).
	{ClientID: devidp.DemoNoAccountsReadClientID, Name: "Demo ERP without accounts:read", AllowedScopes: withoutScope(auth.TenantScopes, auth.ScopeAccountsRead),
		RedirectURIs: []string{"http://localhost:3002/consent/callback"}},
}

func withoutScope(scopes []string, drop string) []string {
	var out []string
	for _, s := range scopes {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// Holder describes the demo holder's account: operated by no tenant, KYC-approved.
type Holder struct {
	Name, Email, Document string
}

// DemoHolder is the development OpenID Provider's holder (devidp.Demo), whose login the
// consent and approval pages match to this account by document.
func DemoHolder() Holder {
	for _, u := range devidp.Demo("").Users {
		if u.Document != "" {
			return Holder{Name: u.Name, Email: u.Email, Document: u.Document}
		}
	}
	return Holder{}
}

// DemoBalance is what the demo holder's account receives once, as an incoming TED.
const DemoBalance = money.Cents(10_000_00)

// Seed registers the demo tenants, opens and approves the holder's account if missing, and
// gives it a demo balance (once: the deposit's idempotency key makes later starts replay it).
func Seed(ctx context.Context, db *gorm.DB, svc *accounts.Service, led *ledger.Service, h Holder) error {
	for _, t := range Tenants {
		t := t
		if err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&t).Error; err != nil {
			return fmt.Errorf("seed tenant %s: %w", t.ClientID, err)
		}
	}
	acc, err := holderAccount(ctx, db, svc, h)
	if err != nil {
		return err
	}
	_, err = led.Deposit(ctx, ledger.DepositInput{
		IdempotencyKey: "devseed-demo-balance", AccountID: acc, Amount: DemoBalance,
		Description: "Saldo de demonstração", From: ledger.SandboxCounterparty,
	})
	if err != nil {
		return fmt.Errorf("seed demo balance: %w", err)
	}
	return nil
}

// holderAccount returns the holder's account, opening and approving it the first time.
func holderAccount(ctx context.Context, db *gorm.DB, svc *accounts.Service, h Holder) (uuid.UUID, error) {
	var existing models.Account
	err := db.WithContext(ctx).Where("document = ?", h.Document).Take(&existing).Error
	if err == nil {
		return existing.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return uuid.Nil, err
	}
	acc, err := svc.Create(ctx, nil, accounts.CreateInput{Name: h.Name, Email: h.Email, Document: h.Document})
	if apperr.CodeOf(err) == apperr.DuplicateDocument { // another replica seeded it first
		return holderAccount(ctx, db, svc, h)
	}
	if err != nil {
		return uuid.Nil, fmt.Errorf("seed holder account: %w", err)
	}
	if _, err := svc.Review(ctx, acc.ID, accounts.DecisionApprove, ptr("demo account"), "devseed"); err != nil {
		return uuid.Nil, fmt.Errorf("approve holder account: %w", err)
	}
	return acc.ID, nil
}

func ptr(s string) *string { return &s }
