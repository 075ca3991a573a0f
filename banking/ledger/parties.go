package ledger

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
)

// party is a customer account a movement touches, with what its rules need: KYC status, payment
// account, limit plan and ledger account.
type party struct {
	AccountID       uuid.UUID
	Status          string
	Name            string
	Document        string
	DocumentType    string
	BankAccountID   *uuid.UUID
	BranchCode      string
	AccountCode     string
	AccountType     string
	InstitutionISPB string
	InstitutionCode string
	InstitutionName string
	DailyCents      *int64 // nil: no limit plan, so no cash-out at all
	MonthlyCents    *int64
	LedgerAccountID *uuid.UUID
}

// canMove reports whether the account may send or receive money: KYC approved, with a payment
// account. A missing limit plan stops only cash-out (its limits are R$0.00, see limitsOf):
// the account can still receive.
func (p *party) canMove() bool {
	return p.Status == string(accounts.StatusApproved) && p.BankAccountID != nil
}

func (p *party) counterparty() *Counterparty {
	id := p.AccountID
	return &Counterparty{
		AccountID: &id, Name: p.Name, Document: p.Document, DocumentType: p.DocumentType,
		InstitutionISPB: p.InstitutionISPB, InstitutionCode: p.InstitutionCode, InstitutionName: p.InstitutionName,
		BranchCode: p.BranchCode, AccountCode: p.AccountCode, AccountType: p.AccountType,
	}
}

// partiesSQL joins the accounts package's movement facts with the ledger accounts: one round trip.
const partiesSQL = `
SELECT f.*, la.id AS ledger_account_id
  FROM (?) f
  LEFT JOIN ledger_accounts la ON la.account_id = f.account_id
 WHERE f.account_id IN ?`

// loadParties reads the customer accounts ids names, creating the ledger account of any that can
// move money and has none yet. It runs before the movement's transaction, in statements of its
// own: creating a ledger account inside the movement would hold its unique-index lock while
// waiting for other ledger accounts' locks, a deadlock waiting to happen.
func (s *Service) loadParties(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*party, error) {
	return openParties(s.db.WithContext(ctx), ids)
}

// openParties is loadParties on db, which may be a transaction: PostTx's. There the ledger
// accounts it opens are created before the movement locks any ledger account, in id order, so
// movements opening the same ones wait for each other in one order, holding no ledger account's
// lock while they wait.
func openParties(db *gorm.DB, ids []uuid.UUID) (map[uuid.UUID]*party, error) {
	parties, err := queryParties(db, ids)
	if err != nil {
		return nil, err
	}
	var missing []uuid.UUID
	for _, p := range parties {
		if p.LedgerAccountID == nil && p.canMove() {
			missing = append(missing, p.AccountID)
		}
	}
	if len(missing) == 0 {
		return parties, nil
	}
	if err := openLedgerAccounts(db, missing); err != nil {
		return nil, err
	}
	return queryParties(db, ids)
}

// openLedgerAccounts creates the ledger accounts of the customer accounts ids, which can move
// money and have none. Sorted, so that two movements creating the same ledger accounts wait in
// one order.
func openLedgerAccounts(db *gorm.DB, ids []uuid.UUID) error {
	err := db.Exec(`INSERT INTO ledger_accounts (kind, account_id)
		SELECT 'CUSTOMER', a.id FROM (?) a WHERE a.id IN ? ORDER BY a.id
		ON CONFLICT (account_id) DO NOTHING`, accounts.IDs(db), ids).Error
	if err != nil {
		return fmt.Errorf("ledger: open ledger accounts: %w", err)
	}
	return nil
}

func queryParties(db *gorm.DB, ids []uuid.UUID) (map[uuid.UUID]*party, error) {
	var rows []*party
	if err := db.Raw(partiesSQL, accounts.MovementFacts(db), ids).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("ledger: load accounts: %w", err)
	}
	out := make(map[uuid.UUID]*party, len(rows))
	for _, p := range rows {
		out[p.AccountID] = p
	}
	return out, nil
}

// checkParties applies the account rules of a movement: every customer account exists and may
// move money. It runs after the idempotency key is claimed, so that a replay of a movement whose
// account was disabled since still returns the original result.
//
// Errors: NOT_FOUND, ACCOUNT_NOT_APPROVED.
func checkParties(m *Movement, parties map[uuid.UUID]*party) error {
	for _, id := range m.customerIDs() {
		p, ok := parties[id]
		switch {
		case !ok:
			return apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with id %s", id)
		case !p.canMove():
			return apperr.Field(apperr.AccountNotApproved, []string{"accountId"}, "account %s is not approved with a payment account, so it cannot move money", id)
		case p.LedgerAccountID == nil: // loadParties opens one for every account that can move
			return fmt.Errorf("ledger: account %s has no ledger account", id)
		}
	}
	return nil
}
