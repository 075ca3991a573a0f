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
//
// It holds one kind of change besides events: the update of the row the events are about (a
// payment's move), written by the same statement (Update).
type Pending struct {
	evs     []Event
	updates []update
}

// update is one deferred UPDATE statement that must change exactly one row, known by key.
type update struct {
	key  string
	sql  string // with ? placeholders
	args []any
}

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

// Deferring is the Pending ctx collects into, or nil when it does not defer.
func Deferring(ctx context.Context) *Pending { return pendingFrom(ctx) }

// Update defers sql, an UPDATE (with ? placeholders) that must change exactly one row, to the
// statement that writes the events. key names the row: a second update of the same row first
// writes everything collected so far, since one statement cannot change a row twice.
func (p *Pending) Update(ctx context.Context, tx *gorm.DB, key, sql string, args ...any) error {
	for _, u := range p.updates {
		if u.key == key {
			if err := p.Flush(ctx, tx); err != nil {
				return err
			}
			break
		}
	}
	p.updates = append(p.updates, update{key: key, sql: sql, args: args})
	return nil
}

// Flush writes what p collected in tx, the updates with the first recordBatch events in one
// statement, and empties p. An update that changed no row, or more than one, is an error.
func (p *Pending) Flush(ctx context.Context, tx *gorm.DB) error {
	evs, updates := p.evs, p.updates
	p.evs, p.updates = nil, nil
	if len(updates) == 0 {
		return insertAll(ctx, tx, evs)
	}
	var q strings.Builder
	var args []any
	q.WriteString("WITH ")
	for i, u := range updates {
		fmt.Fprintf(&q, "u%d AS (%s RETURNING 1), ", i, u.sql)
		args = append(args, u.args...)
	}
	n := min(len(evs), recordBatch)
	if n > 0 {
		q.WriteString("ev AS (")
		args = appendInsert(&q, args, evs[:n])
		q.WriteString("), ")
	}
	q.WriteString("counts AS (SELECT 0 AS n")
	for i := range updates {
		fmt.Fprintf(&q, " UNION ALL SELECT count(*) FROM u%d", i)
	}
	q.WriteString(") SELECT n FROM counts")
	var counts []int64
	if err := tx.WithContext(ctx).Raw(q.String(), args...).Find(&counts).Error; err != nil {
		return fmt.Errorf("events: record with updates: %w", err)
	}
	for i, c := range counts[1:] {
		if c != 1 {
			return fmt.Errorf("events: deferred update %s changed %d rows", updates[i].key, c)
		}
	}
	return insertAll(ctx, tx, evs[n:])
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
		args := appendInsert(&q, make([]any, 0, n*17), evs[:n])
		if err := tx.WithContext(ctx).Exec(q.String(), args...).Error; err != nil {
			return fmt.Errorf("events: record: %w", err)
		}
		evs = evs[n:]
	}
	return nil
}

// appendInsert writes the INSERT of evs to q and returns args with their values.
func appendInsert(q *strings.Builder, args []any, evs []Event) []any {
	q.WriteString(insertColumns)
	for i := range evs {
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
	return args
}
