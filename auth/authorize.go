package auth

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// Action is something a caller may ask to do.
type Action string

const (
	ActionReadAccount     Action = "account.read"
	ActionReadBalance     Action = "balance.read"
	ActionReadStatement   Action = "statement.read"
	ActionReadPayments    Action = "payments.read"
	ActionInitiatePayment Action = "payments.initiate"
	ActionIssueBoleto     Action = "boletos.issue"
	ActionReadContacts    Action = "contacts.read"
	ActionManageContacts  Action = "contacts.manage"
	ActionCreateAccount   Action = "account.create"
	ActionReviewKYC       Action = "kyc.review"
	ActionRequestConsent  Action = "consent.request"
	ActionManageLimits    Action = "limits.manage"
	ActionSandboxDeposit  Action = "sandbox.deposit"
	ActionApprovePayment  Action = "payments.approve"
	ActionCancelPayment   Action = "payments.cancel"
	ActionRefundPayment   Action = "payments.refund" // sandbox: an operator plays the receiving bank
	ActionManageWebhooks  Action = "webhooks.manage"
	ActionManageTenants   Action = "tenants.manage" // register, change, disable and list tenants: operators
	// ActionRotateWebhookKeys: replace the key that signs STONE-format webhooks (operators only).
	ActionRotateWebhookKeys Action = "webhooks.rotate_signing_key"
)

// tenantScope is the scope a tenant needs for each action: in its token (as its registration
// allows) and, on an account it does not own, in a live consent too.
var tenantScope = map[Action]string{
	ActionReadAccount:     ScopeAccountsRead,
	ActionReadBalance:     ScopeBalanceRead,
	ActionReadStatement:   ScopeStatementRead,
	ActionReadPayments:    ScopePaymentsRead,
	ActionInitiatePayment: ScopePaymentsInitiate,
	ActionIssueBoleto:     ScopeBoletosIssue,
	ActionManageContacts:  ScopeContactsManage,
	// Reading an account's contacts needs contacts:manage too, not accounts:read: a contact list
	// is third parties' names, documents and bank accounts, which a consent to read the account
	// (its holder's own data) never covered. Stone's contact:read and contact:write are one
	// consent scope here, CONTACTS_MANAGE. The holder and an operator read them as they read the
	// account (readOnly).
	ActionReadContacts:   ScopeContactsManage,
	ActionCreateAccount:  ScopeAccountsCreate,
	ActionRequestConsent: ScopeConsentsRequest,
	// Sandbox money may be put in any account the tenant can see.
	ActionSandboxDeposit: ScopeAccountsRead,
	// A tenant cancels what it may initiate.
	ActionCancelPayment: ScopePaymentsInitiate,
}

// readOnly are the account actions a holder and an operator may take by reading alone.
var readOnly = []Action{ActionReadAccount, ActionReadBalance, ActionReadStatement, ActionReadPayments, ActionReadContacts}

// Authorizer is the one place that decides whether a caller may do an action. Every resolver
// and every holder page goes through it.
type Authorizer struct {
	db       *gorm.DB
	payments PaymentAccounts
	now      func() time.Time
	ownerOf  ownerCache // accounts' owners, once read
}

// NewAuthorizer returns an Authorizer reading ownership and consents from db and asking payments
// which account a payment is on.
func NewAuthorizer(db *gorm.DB, payments PaymentAccounts) *Authorizer {
	return &Authorizer{db: db, payments: payments, now: func() time.Time { return time.Now().UTC() }}
}

// SetClock replaces the clock, for tests of consent expiry.
func (z *Authorizer) SetClock(now func() time.Time) { z.now = now }

// Caller returns the authenticated caller. Errors: UNAUTHENTICATED.
func (z *Authorizer) Caller(ctx context.Context) (*Caller, error) {
	c, ok := CallerFrom(ctx)
	if !ok {
		return nil, apperr.E(apperr.Unauthenticated, "a bearer access token is required")
	}
	return c, nil
}

// Require authorizes an action that concerns no existing account (opening one, asking for
// consent, reviewing KYC as a role). Errors: UNAUTHENTICATED, FORBIDDEN.
func (z *Authorizer) Require(ctx context.Context, a Action) (*Caller, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	switch a {
	case ActionCreateAccount, ActionRequestConsent:
		if c.Kind == KindTenant && c.HasScope(tenantScope[a]) {
			return c, nil
		}
	case ActionManageWebhooks: // a tenant's own endpoints: any tenant
		if c.Kind == KindTenant {
			return c, nil
		}
	case ActionReviewKYC, ActionManageLimits, ActionRefundPayment, ActionManageTenants, ActionRotateWebhookKeys:
		if c.Kind == KindOperator {
			return c, nil
		}
	}
	return nil, errForbidden
}

// Account authorizes action a on one account:
//   - a tenant that owns it (Treasury), with the action's scope in its token;
//   - a tenant holding a live consent (AUTHORISED, unexpired) whose scopes cover the action,
//     with that scope in its token too (Open Banking);
//   - the holder whose verified document the account carries, or who represents the company
//     (HeldBy), for reading and for deciding on or cancelling its payments;
//   - an operator, for reading.
//
// Errors: UNAUTHENTICATED, FORBIDDEN (also when the account does not exist).
func (z *Authorizer) Account(ctx context.Context, a Action, accountID uuid.UUID) (*Caller, error) {
	c, _, err := z.account(ctx, a, accountID)
	return c, err
}

// account is Account, also returning the ownership facts it judged on.
func (z *Authorizer) account(ctx context.Context, a Action, accountID uuid.UUID) (*Caller, *models.Account, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	// The same facts as Accounts, so that within a query operation the account's other fields
	// (its statement, its balance) find them in the memo.
	byID, granted, held, err := z.accountFacts(ctx, c, []uuid.UUID{accountID})
	if err != nil {
		return nil, nil, err
	}
	acc := byID[accountID]
	if acc == nil || !z.allowedWith(c, a, acc, granted[accountID], held[accountID]) {
		return nil, nil, errForbidden
	}
	return c, acc, nil
}

// Accounts is Account for many accounts at once (the fields of a page of accounts): one answer
// per id, nil where allowed, in the order of ids, with a constant number of queries.
func (z *Authorizer) Accounts(ctx context.Context, a Action, ids []uuid.UUID) ([]error, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	byID, granted, held, err := z.accountFacts(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	out := make([]error, len(ids))
	for i, id := range ids {
		acc := byID[id]
		ok := acc != nil
		if ok {
			ok = z.allowedWith(c, a, acc, granted[id], held[id])
		}
		if !ok {
			out[i] = errForbidden
		}
	}
	return out, nil
}

// accountFacts reads the facts Accounts judges ids on: each account's owner (missing ones left
// out), the tenant's consent scopes and what the holder holds. Within a read-only operation
// (WithReadMemo) each account's facts are read once and kept for the operation's other fields.
func (z *Authorizer) accountFacts(ctx context.Context, c *Caller, ids []uuid.UUID) (map[uuid.UUID]*models.Account, map[uuid.UUID][]string, map[uuid.UUID]bool, error) {
	m := memoFrom(ctx)
	need := ids
	if m != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		need = nil
		for _, id := range ids {
			if !m.known[id] && !slices.Contains(need, id) {
				need = append(need, id)
			}
		}
	}
	byID := make(map[uuid.UUID]*models.Account, len(need))
	granted, held := map[uuid.UUID][]string{}, map[uuid.UUID]bool{}
	if len(need) > 0 {
		if err := z.owners(ctx, need, byID); err != nil {
			return nil, nil, nil, err
		}
		// A tenant's own accounts need no consent (allowedWith), nor one that does not exist: only
		// the others' consents are read, and a page of the tenant's own accounts reads none.
		consented := need
		if c.Kind == KindTenant {
			consented = nil
			for _, id := range need {
				if acc := byID[id]; acc != nil && (acc.OwnerTenantID == nil || *acc.OwnerTenantID != c.Tenant.ID) {
					consented = append(consented, id)
				}
			}
		}
		var err error
		if granted, held, err = z.batchFacts(ctx, c, consented); err != nil {
			return nil, nil, nil, err
		}
	}
	if m == nil {
		return byID, granted, held, nil
	}
	for _, id := range need {
		m.known[id], m.accs[id], m.granted[id], m.held[id] = true, byID[id], granted[id], held[id]
	}
	// Copies for ids: the memo's maps change under its lock while the caller reads these.
	accs, scopes, holds := make(map[uuid.UUID]*models.Account, len(ids)), make(map[uuid.UUID][]string, len(ids)), make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		if m.accs[id] != nil {
			accs[id] = m.accs[id]
		}
		scopes[id], holds[id] = m.granted[id], m.held[id]
	}
	return accs, scopes, holds, nil
}

// owners reads the owner of each of ids that exists into byID (accounts with ID and
// OwnerTenantID only). Every read of an account asks it, so it scans the rows itself rather than
// through gorm's statement building and reflection.
//
// Owners are remembered (ownerCache): an account's owner never changes.
func (z *Authorizer) owners(ctx context.Context, ids []uuid.UUID, byID map[uuid.UUID]*models.Account) error {
	ids = z.ownerOf.get(ids, func(id uuid.UUID, owner *uuid.UUID) {
		byID[id] = &models.Account{ID: id, OwnerTenantID: owner}
	})
	if len(ids) == 0 {
		return nil
	}
	rows, err := z.db.WithContext(ctx).Raw("SELECT id, owner_tenant_id FROM accounts WHERE id IN ?", ids).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		acc := new(models.Account)
		if err := rows.Scan(&acc.ID, &acc.OwnerTenantID); err != nil {
			return err
		}
		byID[acc.ID] = acc
		z.ownerOf.put(acc.ID, acc.OwnerTenantID)
	}
	return rows.Err()
}

// batchFacts reads, for many accounts at once, the facts the rule judges on: the scopes of the
// tenant's live consents, and which accounts the holder holds or represents.
func (z *Authorizer) batchFacts(ctx context.Context, c *Caller, ids []uuid.UUID) (map[uuid.UUID][]string, map[uuid.UUID]bool, error) {
	granted, held := map[uuid.UUID][]string{}, map[uuid.UUID]bool{}
	if len(ids) == 0 {
		return granted, held, nil
	}
	db := z.db.WithContext(ctx)
	switch c.Kind {
	case KindTenant:
		var rows []struct {
			AccountID uuid.UUID
			Scope     string
		}
		q := db.Table("consents").Select("DISTINCT account_id, unnest(scopes) AS scope").
			Where("tenant_id = ? AND account_id IN ?", c.Tenant.ID, ids)
		if err := LiveConsent(q, z.now(), "").Find(&rows).Error; err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			granted[r.AccountID] = append(granted[r.AccountID], r.Scope)
		}
	case KindHolder:
		var rows []uuid.UUID
		if err := HeldBy(db, c.Document).Where("id IN ?", ids).Pluck("id", &rows).Error; err != nil {
			return nil, nil, err
		}
		for _, id := range rows {
			held[id] = true
		}
	}
	return granted, held, nil
}

// allowedWith is the rule itself, on facts already read.
func (z *Authorizer) allowedWith(c *Caller, a Action, acc *models.Account, granted []string, held bool) bool {
	switch c.Kind {
	case KindOperator:
		return slices.Contains(readOnly, a) || a == ActionSandboxDeposit
	case KindHolder:
		if !slices.Contains(readOnly, a) && a != ActionApprovePayment && a != ActionCancelPayment {
			return false
		}
		return held
	case KindTenant:
		scope, known := tenantScope[a]
		if !known || !c.HasScope(scope) {
			return false
		}
		if acc.OwnerTenantID != nil && *acc.OwnerTenantID == c.Tenant.ID {
			return true
		}
		return slices.Contains(granted, scope)
	}
	return false
}

// Tenant authorizes reading a tenant: itself, or any by an operator. Errors: UNAUTHENTICATED, FORBIDDEN.
func (z *Authorizer) Tenant(ctx context.Context, tenantID uuid.UUID) (*models.Tenant, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	if c.Kind == KindTenant && c.Tenant.ID == tenantID {
		return c.Tenant, nil
	}
	if c.Kind == KindOperator {
		var t models.Tenant
		err := z.db.WithContext(ctx).Where("id = ?", tenantID).Take(&t).Error
		if err == nil {
			return &t, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, err
		}
	}
	return nil, errForbidden
}
