package events

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/reqid"
)

// Pending holds the events a transaction records until it writes them all in one statement
// (Flush). A payment that is created and executed at once records its approval, its statement
// entries and its end: three INSERTs, each a round trip while the ledger rows are locked, become
// one, written last. The events are the same rows, in the order they were recorded, in the same
// transaction: they exist exactly when the changes do.
type Pending struct{ evs []Event }

type pendingKey struct{}

// Defer returns a context under which Record and RecordAll collect their events in the returned
// Pending instead of writing them; the caller must Flush it in the same transaction before it
// commits. Only the owner of a transaction defers: everything that may roll back part of it (a
// savepoint) must run under a context that does not defer, or its events would outlive it.
func Defer(ctx context.Context) (context.Context, *Pending) {
	p := &Pending{}
	return context.WithValue(ctx, pendingKey{}, p), p
}

// Undeferred is ctx without a deferring Pending: for work under a savepoint of its own.
func Undeferred(ctx context.Context) context.Context {
	return context.WithValue(ctx, pendingKey{}, (*Pending)(nil))
}

func pendingFrom(ctx context.Context) *Pending {
	p, _ := ctx.Value(pendingKey{}).(*Pending)
	return p
}

// Flush writes the collected events in tx, in one INSERT per recordBatch events, and empties p.
func (p *Pending) Flush(ctx context.Context, tx *gorm.DB) error {
	evs := p.evs
	p.evs = nil
	return insertAll(ctx, tx, evs)
}

// prepare checks e and fills what Record fills: the request id of ctx and the time.
func prepare(e *Event, request *string, now time.Time) error {
	if e.Actor == "" {
		return fmt.Errorf("events: %s for %s has no actor", e.Name, e.Topic)
	}
	if e.RequestID == nil {
		e.RequestID = request
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = now
	}
	return nil
}

func requestOf(ctx context.Context) *string {
	if id := reqid.From(ctx); id != "" {
		return &id
	}
	return nil
}

// insertColumns are the columns an event is written with (id and xid are the database's).
const insertColumns = `INSERT INTO events (name, topic, tenant_id, account_id, payment_id, consent_id, contact_id, boleto_id,
	payroll_id, from_status, to_status, actor, reason, request_id, occurred_at, entry_id, detail) VALUES `

const insertRow = "(?, ?, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?::uuid, ?::jsonb)"

// insertAll writes evs in tx in as few statements as PostgreSQL's parameter limit allows.
func insertAll(ctx context.Context, tx *gorm.DB, evs []Event) error {
	for len(evs) > 0 {
		n := min(len(evs), recordBatch)
		var q strings.Builder
		q.WriteString(insertColumns)
		args := make([]any, 0, n*17)
		for i := range evs[:n] {
			e := &evs[i]
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(insertRow)
			var detail any // a nil []byte would be sent as an empty string, which is no JSON
			if e.Detail != nil {
				detail = string(e.Detail)
			}
			args = append(args, e.Name, string(e.Topic), e.TenantID, e.AccountID, e.PaymentID, e.ConsentID, e.ContactID,
				e.BoletoID, e.PayrollID, e.FromStatus, e.ToStatus, e.Actor, e.Reason, e.RequestID, e.OccurredAt, e.EntryID, detail)
		}
		if err := tx.WithContext(ctx).Exec(q.String(), args...).Error; err != nil {
			return fmt.Errorf("events: record: %w", err)
		}
		evs = evs[n:]
	}
	return nil
}
