package migrations_test

import (
	"context"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/ponte-bff/ponte/migrations"
)

// TestContactsMigrationDownAndUp: 00014 keeps one contact per document on an account and each
// bank account once per contact, puts contact events in the log, and its Down takes the contacts
// and their events away again so that Up can run anew.
func TestContactsMigrationDownAndUp(t *testing.T) {
	ctx := context.Background()
	db := emptyDB(t)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
	var account, contact string
	if err := db.QueryRow(`INSERT INTO accounts (name, email, document, document_type, status)
		VALUES ('Empresa', 'e@example.com', '11222333000181', 'CNPJ', 'APPROVED') RETURNING id`).Scan(&account); err != nil {
		t.Fatal(err)
	}
	const insertContact = `INSERT INTO contacts (account_id, name, document, document_type, created_by, created_at, updated_at)
		VALUES ($1, 'Maria', '39053344705', 'CPF', 'test', now(), now()) RETURNING id`
	if err := db.QueryRow(insertContact, account).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(insertContact, account); err == nil {
		t.Fatal("a second contact with the same document on the account was stored")
	}
	const insertBank = `INSERT INTO contact_bank_accounts (contact_id, ispb, bank_code, bank_name, branch_code, account_code, created_at)
		VALUES ($1, '16501555', '197', 'STONE IP S.A.', NULL, '12345679', now())`
	exec(t, db, insertBank, contact)
	if _, err := db.Exec(insertBank, contact); err == nil {
		t.Fatal("the same bank account (no branch) was stored twice on one contact")
	}
	exec(t, db, `INSERT INTO events (name, topic, account_id, contact_id, to_status, actor, occurred_at)
		VALUES ('contact_created', 'contact', $1, $2, 'ACTIVE', 'test', now())`, account, contact)

	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM events WHERE name LIKE 'contact_%'`); n != 0 {
		t.Fatalf("%d contact events left after Down", n)
	}
	if n := count(t, db, `SELECT count(*) FROM information_schema.tables WHERE table_name IN ('contacts', 'contact_bank_accounts')`); n != 0 {
		t.Fatalf("%d contact tables left after Down", n)
	}
	if _, err := p.UpTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
}
