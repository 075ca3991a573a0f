package resolvers

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// accountOut maps a stored account (with BankAccount and LimitPlan preloaded) to GraphQL.
func accountOut(a *models.Account) *model.Account {
	out := &model.Account{
		ID:           globalid.Encode(globalid.Account, a.ID),
		Name:         a.Name,
		Email:        a.Email,
		MobileNumber: a.MobileNumber,
		Username:     a.Username,
		Enabled:      accounts.Status(a.Status) != accounts.StatusDisabled,
		DateOfBirth:  a.DateOfBirth,
		Document:     a.Document,
		DocumentType: model.DocumentType(a.DocumentType),
		Status:       model.AccountStatus(accounts.StatusOf(a)),
		CreatedAt:    a.CreatedAt,
		UpdatedAt:    a.UpdatedAt,
		Limits:       &model.Limits{Daily: ptr(money.BRL(0)), Monthly: ptr(money.BRL(0)), AccountID: a.ID},
	}
	if p := a.LimitPlan; p != nil {
		out.Limits.Plan, out.Limits.Daily, out.Limits.Monthly = &p.Name, ptr(money.BRL(money.Cents(p.DailyCents))), ptr(money.BRL(money.Cents(p.MonthlyCents)))
	}
	if a.BankAccount != nil {
		out.BankAccount = bankAccountOut(a.BankAccount)
	}
	return out
}

func bankAccountOut(b *models.BankAccount) *model.BankAccount {
	return &model.BankAccount{
		ID:          globalid.Encode(globalid.BankAccount, b.ID),
		AccountCode: b.AccountCode,
		BranchCode:  b.BranchCode,
		AccountType: model.BankAccountType(b.AccountType),
		Institution: &model.Institution{Name: b.InstitutionName, Ispb: b.InstitutionISPB, Code: b.InstitutionCode},
	}
}

func tenantOut(t *models.Tenant) *model.Tenant {
	return &model.Tenant{ID: globalid.Encode(globalid.Tenant, t.ID), Name: t.Name, ClientID: t.ClientID, Row: t}
}

func ptr[T any](v T) *T { return &v }

// pageUsage is the limit usage of a page of accounts, read in one query when the first dailyUsed
// or monthlyUsed of the page asks for it. A page's Limits are one object under each account, not
// a list, so gqlgen's batch resolvers see them one at a time; without it a page of N accounts
// would read its usage 2×N times.
type pageUsage struct {
	ids    []uuid.UUID
	once   sync.Once
	usages map[uuid.UUID]ledger.Usage
	err    error
}

// sharePageUsage makes the Limits of a page of accounts read their usage together.
func sharePageUsage(nodes []*model.Account) {
	u := &pageUsage{}
	for _, n := range nodes {
		if n != nil && n.Limits != nil {
			u.ids = append(u.ids, n.Limits.AccountID)
			n.Limits.Page = u
		}
	}
}

// usage reads the limit usage of a page of accounts at once (their Limits were authorized with
// the accounts) and picks one figure of each.
func (r *limitsResolver) usage(ctx context.Context, objs []*model.Limits, pick func(ledger.Usage) money.Cents) ([]*money.Money, error) {
	var alone []uuid.UUID
	for _, o := range objs {
		if _, ok := o.Page.(*pageUsage); !ok {
			alone = append(alone, o.AccountID)
		}
	}
	var usages map[uuid.UUID]ledger.Usage
	if len(alone) > 0 {
		var err error
		if usages, err = r.Ledger.LimitUsages(ctx, alone); err != nil {
			return nil, err
		}
	}
	out := make([]*money.Money, len(objs))
	for i, o := range objs {
		u := usages[o.AccountID]
		if page, ok := o.Page.(*pageUsage); ok {
			page.once.Do(func() { page.usages, page.err = r.Ledger.LimitUsages(ctx, page.ids) })
			if page.err != nil {
				return nil, page.err
			}
			u = page.usages[o.AccountID]
		}
		out[i] = ptr(money.BRL(pick(u)))
	}
	return out, nil
}
