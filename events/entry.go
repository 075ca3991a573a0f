package events

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/reqid"
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
// round trip, and a payroll's thousands of salaries in a few. Each
// event follows Record's rules (actor required; request id and time filled in); either all of
// them carry a Detail or none does.
func RecordAll(ctx context.Context, tx *gorm.DB, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
	var request *string
	if id := reqid.From(ctx); id != "" {
		request = &id
	}
	now := time.Now().UTC()
	withDetail := evs[0].Detail != nil
	for i := range evs {
		e := &evs[i]
		if e.Actor == "" {
			return fmt.Errorf("events: %s for %s has no actor", e.Name, e.Topic)
		}
		if e.RequestID == nil {
			e.RequestID = request
		}
		if e.OccurredAt.IsZero() {
			e.OccurredAt = now
		}
		if (e.Detail != nil) != withDetail {
			return fmt.Errorf("events: RecordAll takes events that all carry a detail or none does")
		}
	}
	omit := []string{"id", "xid"}
	if !withDetail { // nil details would be sent as empty strings, which are no JSON
		omit = append(omit, "detail")
	}
	return tx.WithContext(ctx).Omit(omit...).CreateInBatches(&evs, recordBatch).Error
}
