package migrations_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"

	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/migrations"
)

// emptyDB creates an empty database for t, dropped when t ends.
func emptyDB(t *testing.T) *sql.DB {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, testdb.ServerURL())
	if err != nil {
		t.Skipf("no PostgreSQL at %s: %v", testdb.ServerURL(), err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("ponte_migtest_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(testdb.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = db.Close()
		if c, err := pgx.Connect(context.Background(), testdb.ServerURL()); err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
			_ = c.Close(context.Background())
		}
	})
	return db
}

// eventRow is one events row as the checks read it.
type eventRow struct {
	XID                                        string
	Name, Topic, To, Actor                     string
	From, Reason, RequestID, TenantID, Account sql.NullString
}

func eventsOf(t *testing.T, db *sql.DB, subject string) []eventRow {
	t.Helper()
	rows, err := db.Query(`SELECT xid::text, name, topic, to_status, actor, from_status, reason, request_id, tenant_id::text, account_id::text
		FROM events WHERE coalesce(payment_id, consent_id) = $1 ORDER BY xid, id`, subject)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []eventRow
	for rows.Next() {
		var r eventRow
		if err := rows.Scan(&r.XID, &r.Name, &r.Topic, &r.To, &r.Actor, &r.From, &r.Reason, &r.RequestID, &r.TenantID, &r.Account); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func exec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestOneEventLogKeepsEveryTransitionOnce migrates a database holding the two old logs and the
// event log (a payment and a consent whose first transitions predate the event log, a payment
// written to both) and checks that every transition is in events once, with its actor, reason
// and request id, that the log refuses changes, and that Down and Up again give the same.
func TestOneEventLogKeepsEveryTransitionOnce(t *testing.T) {
	ctx := context.Background()
	db := emptyDB(t)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 8); err != nil {
		t.Fatal(err)
	}

	const (
		tenant  = "11111111-1111-1111-1111-111111111111"
		account = "22222222-2222-2222-2222-222222222222"
		early   = "33333333-3333-3333-3333-333333333333" // created before the event log existed
		both    = "44444444-4444-4444-4444-444444444444" // every transition written twice
		consent = "55555555-5555-5555-5555-555555555555"
		stray   = "66666666-6666-6666-6666-666666666666" // an event with no old row
	)
	exec(t, db, `INSERT INTO tenants (id, client_id, name) VALUES ($1, 'erp', 'ERP')`, tenant)
	exec(t, db, `INSERT INTO accounts (id, owner_tenant_id, name, email, document, document_type, status)
		VALUES ($1, $2, 'Ana', 'ana@example.com', '52998224725', 'CPF', 'APPROVED')`, account, tenant)
	for id, kind := range map[string]string{early: "INTERNAL_TRANSFER", both: "TED"} {
		exec(t, db, `INSERT INTO payments (id, tenant_id, account_id, kind, status, amount_cents, run_on, target, idempotency_key, request_hash, created_by)
			VALUES ($1, $2, $3, $4, 'FINISHED', 100, current_date, '{}', $5, '\x00', 'tenant:erp')`, id, tenant, account, kind, "key-"+id)
	}
	exec(t, db, `INSERT INTO consents (id, tenant_id, account_id, scopes, redirect_uri, status, link_expires_at, expires_at)
		VALUES ($1, $2, $3, '{accounts:read}', 'https://erp.example/cb', 'REVOKED', now(), now())`, consent, tenant, account)

	// Before the event log: old rows only.
	exec(t, db, `INSERT INTO payment_events (payment_id, from_status, to_status, actor, request_id) VALUES
		($1, NULL, 'CREATED', 'tenant:erp', 'req-early-1'), ($1, 'CREATED', 'APPROVED', 'holder:52998224725', 'req-early-2')`, early)
	exec(t, db, `INSERT INTO consent_events (consent_id, from_status, to_status, actor, request_id) VALUES
		($1, NULL, 'AWAITING_AUTHORISATION', 'tenant:erp', 'req-c-1')`, consent)
	// After: both, one transaction per transition.
	twice := func(topic, subject, name string, from *string, to, actor string, reason *string, req *string) {
		t.Helper()
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck
		old, col := "payment_events", "payment_id"
		if topic == "consent" {
			old, col = "consent_events", "consent_id"
		}
		if _, err := tx.Exec(`INSERT INTO `+old+` (`+col+`, from_status, to_status, actor, reason, request_id) VALUES ($1, $2, $3, $4, $5, $6)`,
			subject, from, to, actor, reason, req); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO events (name, topic, tenant_id, account_id, `+col+`, from_status, to_status, occurred_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, now())`, name, topic, tenant, account, subject, from, to); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	s := func(v string) *string { return &v }
	twice("payment", early, "cash_out_internal_transfer_finished", s("APPROVED"), "FINISHED", "system", nil, nil)
	twice("payment", both, "cash_out_external_transfer_created", nil, "CREATED", "tenant:erp", nil, s("req-both-1"))
	twice("payment", both, "cash_out_external_transfer_approved", s("CREATED"), "APPROVED", "tenant:erp", nil, s("req-both-2"))
	twice("payment", both, "cash_out_external_transfer_failed", s("APPROVED"), "FAILED", "system", s("insufficient funds"), nil)
	twice("consent", consent, "consent_authorised", s("AWAITING_AUTHORISATION"), "AUTHORISED", "holder:52998224725", nil, s("req-c-2"))
	twice("consent", consent, "consent_revoked", s("AUTHORISED"), "REVOKED", "tenant:erp", s("contract ended"), s("req-c-3"))
	exec(t, db, `INSERT INTO events (name, topic, payment_id, to_status, occurred_at) VALUES ('bench', 'payment', $1, 'X', now())`, stray)

	if _, err := p.UpTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T) {
		t.Helper()
		if n := count(t, db, `SELECT count(*) FROM pg_class WHERE relname IN ('payment_events', 'consent_events')`); n != 0 {
			t.Fatalf("%d old event tables left", n)
		}
		if n := count(t, db, `SELECT count(*) FROM events`); n != 10 {
			t.Errorf("%d events, want 10 (3 + 3 + 3 + the stray one)", n)
		}
		type want struct{ name, from, to, actor, reason, req string }
		for subject, wants := range map[string][]want{
			early: {
				{"cash_out_internal_transfer_created", "", "CREATED", "tenant:erp", "", "req-early-1"},
				{"cash_out_internal_transfer_approved", "CREATED", "APPROVED", "holder:52998224725", "", "req-early-2"},
				{"cash_out_internal_transfer_finished", "APPROVED", "FINISHED", "system", "", ""},
			},
			both: {
				{"cash_out_external_transfer_created", "", "CREATED", "tenant:erp", "", "req-both-1"},
				{"cash_out_external_transfer_approved", "CREATED", "APPROVED", "tenant:erp", "", "req-both-2"},
				{"cash_out_external_transfer_failed", "APPROVED", "FAILED", "system", "insufficient funds", ""},
			},
			consent: {
				{"consent_awaiting_authorisation", "", "AWAITING_AUTHORISATION", "tenant:erp", "", "req-c-1"},
				{"consent_authorised", "AWAITING_AUTHORISATION", "AUTHORISED", "holder:52998224725", "", "req-c-2"},
				{"consent_revoked", "AUTHORISED", "REVOKED", "tenant:erp", "contract ended", "req-c-3"},
			},
			stray: {{"bench", "", "X", "unknown", "", ""}},
		} {
			got := eventsOf(t, db, subject)
			if len(got) != len(wants) {
				t.Errorf("%s: %d events, want %d: %+v", subject, len(got), len(wants), got)
				continue
			}
			for i, w := range wants {
				g := got[i]
				if g.Name != w.name || g.From.String != w.from || g.To != w.to || g.Actor != w.actor || g.Reason.String != w.reason || g.RequestID.String != w.req {
					t.Errorf("%s event %d: %+v, want %+v", subject, i, g, w)
				}
				if subject != stray && (g.TenantID.String != tenant || g.Account.String != account) {
					t.Errorf("%s event %d: tenant %v account %v", subject, i, g.TenantID, g.Account)
				}
			}
		}
		// The rows from before the log sort before every cursor: a subscriber or the webhook
		// dispatcher never sees them as new.
		if n := count(t, db, `SELECT count(*) FROM events WHERE xid = '0'::xid8`); n != 3 {
			t.Errorf("%d events at xid 0, want the 3 from before the log", n)
		}
		if n := count(t, db, `SELECT count(*) FROM events e, webhook_dispatch_cursor c WHERE (e.xid, e.id) > (c.xid, c.event_id)`); n != 7 {
			t.Errorf("%d events after the webhook dispatcher's cursor, want the 7 it has not dispatched yet", n)
		}
		for _, q := range []string{`UPDATE events SET actor = 'x'`, `DELETE FROM events`, `TRUNCATE events CASCADE`} {
			if _, err := db.Exec(q); err == nil {
				t.Errorf("the event log accepted %s", q)
			}
		}
		if _, err := db.Exec(`INSERT INTO events (name, topic, to_status, occurred_at) VALUES ('x', 'payment', 'X', now())`); err == nil {
			t.Error("an event without an actor was accepted")
		}
	}
	check(t)

	if _, err := p.DownTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM payment_events`); n != 6 {
		t.Errorf("down: %d payment events, want 6", n)
	}
	if n := count(t, db, `SELECT count(*) FROM consent_events WHERE actor <> '' AND request_id IS NOT NULL`); n != 3 {
		t.Errorf("down: %d consent events with actor and request id, want 3", n)
	}
	if n := count(t, db, `SELECT count(*) FROM events`); n != 7 {
		t.Errorf("down: %d events, want the 7 written to the log", n)
	}
	if _, err := p.UpTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	t.Run("UpAgain", check)
}
