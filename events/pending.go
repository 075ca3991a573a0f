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

func pendingFrom(ctx context.Context) *Pending {
	p, _ := ctx.Value(pendingKey{}).(*Pending)
	return p
}

// Deferring is the Pending ctx collects into, or nil when it does not defer.
func Deferring(ctx context.Context) *Pending { return pendingFrom(ctx) }

// Update defers sql, an UPDATE (with ? placeholders, ending with its WHERE clause) that must
// change exactly one row, to the statement that writes the events. key names the row: a second update of the same row first
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
	if !strings.Contains(sql, " WHERE ") {
		return fmt.Errorf("events: deferred update %s has no WHERE clause", key)
	}
	p.updates = append(p.updates, update{key: key, sql: sql, args: args})
	return nil
}

// Mark is what a Pending held at one moment (Mark), to go back to (Truncate).
type Mark struct{ evs, updates int }

// Mark is where p stands now.
func (p *Pending) Mark() Mark { return Mark{len(p.evs), len(p.updates)} }

// Truncate forgets what p collected after m: work that was not written after all.
func (p *Pending) Truncate(m Mark) { p.evs, p.updates = p.evs[:m.evs], p.updates[:m.updates] }

// WriteWith appends to q, the WITH list of another statement, CTEs that write everything p
// collected when, and only when, the CTE gate (declared before them) has a row; it returns args
// with their values and the SQL expression counting the rows the updates changed, which the
// statement must select (Written checks it). It is how a posting writes its payment's move and
// every event in the statement that holds the ledger rows. ok is false (and q untouched) when p
// holds too much for one statement.
func (p *Pending) WriteWith(q *strings.Builder, args []any, gate string) (_ []any, changed string, ok bool) {
	if len(p.evs) > recordBatch {
		return args, "", false
	}
	changed = "0"
	for i, u := range p.updates {
		fmt.Fprintf(q, "pu%d AS (%s AND EXISTS (SELECT 1 FROM %s) RETURNING 1),\n", i, u.sql, gate)
		args = append(args, u.args...)
		changed += fmt.Sprintf(" + (SELECT count(*) FROM pu%d)", i)
	}
	if len(p.evs) > 0 {
		q.WriteString("pev AS (")
		var rows strings.Builder
		args = appendInsert(&rows, args, p.evs)
		q.WriteString(strings.Replace(rows.String(), ") VALUES ", ") SELECT v.* FROM (VALUES ", 1))
		fmt.Fprintf(q, ") AS v CROSS JOIN %s),\n", gate)
	}
	return args, changed, true
}

// Written is the end of a statement built with WriteWith: written says whether its gate let it
// through, changed is what its changed expression selected. When written, p is empty; when not,
// p still holds everything, to be written later or truncated.
func (p *Pending) Written(written bool, changed int64) error {
	if !written {
		return nil
	}
	if changed != int64(len(p.updates)) {
		return fmt.Errorf("events: %d deferred updates changed %d rows", len(p.updates), changed)
	}
	p.evs, p.updates = nil, nil
	return nil
}

// Flush writes what p collected in tx, the updates with the first recordBatch events in one
// statement, and empties p. An update that changed no row, or more than one, is an error.
func (p *Pending) Flush(ctx context.Context, tx *gorm.DB) error {
	if len(p.updates) == 0 {
		evs := p.evs
		p.evs = nil
		return insertAll(ctx, tx, evs)
	}
	// The updates and the first events as a posting writes them (WriteWith), behind a gate that
	// always opens; the events past one statement's share after.
	rest := p.evs[min(len(p.evs), recordBatch):]
	p.evs = p.evs[:len(p.evs)-len(rest)]
	var q strings.Builder
	q.WriteString("WITH always AS (SELECT 1 AS ok),\n")
	args, changed, _ := p.WriteWith(&q, nil, "always")
	sql := strings.TrimSuffix(q.String(), ",\n") + "\nSELECT " + changed
	var n []int64
	if err := tx.WithContext(ctx).Raw(sql, args...).Find(&n).Error; err != nil {
		return fmt.Errorf("events: record with updates: %w", err)
	}
	if len(n) != 1 {
		return fmt.Errorf("events: record with updates: %d answers", len(n))
	}
	if err := p.Written(true, n[0]); err != nil {
		return err
	}
	return insertAll(ctx, tx, rest)
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

// insertRow types every value, so that rows also insert through SELECT (WriteWith).
const insertRow = "(?::text, ?::text, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::text, ?::text, ?::text, ?::text, ?::text, ?::timestamptz, ?::uuid, ?::jsonb)"

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
