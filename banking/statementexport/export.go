package statementexport

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/models"
)

// Writer is one export format. Export calls Begin once, Entry for each entry oldest first, then
// Close, which flushes; nothing is complete before Close returns nil.
type Writer interface {
	Begin(ledger.StatementPeriod) error
	Entry(ledger.Entry) error
	Close() error
}

// Source streams a statement; *ledger.Service is one.
type Source interface {
	EachEntry(ctx context.Context, accountID uuid.UUID, f ledger.StatementFilter,
		head func(ledger.StatementPeriod) error, fn func(ledger.Entry) error) error
}

// Export streams accountID's statement selected by f from src into w. Once Begin has written,
// an error leaves a truncated file: an HTTP handler can only abort the response.
func Export(ctx context.Context, src Source, accountID uuid.UUID, f ledger.StatementFilter, w Writer) error {
	if err := src.EachEntry(ctx, accountID, f, w.Begin, w.Entry); err != nil {
		return err
	}
	return w.Close()
}

// Account identifies the exported account the way OFX and Brazilian ERPs expect it.
type Account struct {
	BankID      string // the institution's COMPE code: "197"
	BranchID    string // agência without check digit: "0001"
	AccountID   string // account code with its check digit
	Institution string // the institution's name (OFX FI/ORG)
}

// AccountOf returns the export identity of a payment account.
func AccountOf(ba *models.BankAccount) Account {
	return Account{BankID: ba.InstitutionCode, BranchID: ba.BranchCode, AccountID: ba.AccountCode, Institution: ba.InstitutionName}
}
