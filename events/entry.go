package events

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// EntryDetail is what a statement_entry event says of its entry (Event.Detail, as JSON): the
// facts an ERP reconciles with, carried in the event so that a webhook needs no statement read.
// Entries are never changed once written, so the detail never goes stale.
type EntryDetail struct {
	TransactionID uuid.UUID          `json:"transaction_id"`
	Kind          string             `json:"kind"`      // the statement kind: internal, external, payment_refund...
	Direction     string             `json:"direction"` // CREDIT or DEBIT
	Amount        int64              `json:"amount"`    // centavos, never negative: direction says which way
	Fee           int64              `json:"fee"`       // centavos: the fee of the entry's operation
	BalanceAfter  int64              `json:"balance_after"`
	Description   string             `json:"description"`
	Counterparty  *EntryCounterparty `json:"counterparty,omitempty"`
}

// EntryCounterparty is who is on the other side of an entry, as the ledger recorded it.
type EntryCounterparty struct {
	AccountID       *uuid.UUID `json:"account_id,omitempty"` // a Ponte account
	Name            string     `json:"name,omitempty"`
	Document        string     `json:"document,omitempty"`
	DocumentType    string     `json:"document_type,omitempty"`
	InstitutionISPB string     `json:"institution_ispb,omitempty"`
	InstitutionCode string     `json:"institution_code,omitempty"`
	InstitutionName string     `json:"institution_name,omitempty"`
	BranchCode      string     `json:"branch_code,omitempty"`
	AccountCode     string     `json:"account_code,omitempty"`
	AccountType     string     `json:"account_type,omitempty"`
}

// recordBatch is how many events one INSERT of RecordAll carries: PostgreSQL takes at most 65,535
// parameters a statement, and an event has fewer than 20 columns.
const recordBatch = 500

// RecordAll is Record for several events at once, in one INSERT per recordBatch events: a writer
// on a hot path (the ledger, one event per statement entry of a movement) appends them in one
// round trip, and a payroll's thousands of salaries in a few. Each event follows Record's rules
// (actor required; request id and time filled in), and is collected instead under a context that
// defers (Defer).
func RecordAll(ctx context.Context, tx *gorm.DB, evs []Event) error {
	request, now := requestOf(ctx), time.Now().UTC()
	for i := range evs {
		if err := prepare(&evs[i], request, now); err != nil {
			return err
		}
	}
	if p := pendingFrom(ctx); p != nil {
		p.evs = append(p.evs, evs...)
		return nil
	}
	return insertAll(ctx, tx, evs)
}
