package auth_test

import (
	"testing"
)

// TestAnAccountsOwnerNeverChanges: the authorizer remembers owners because the database refuses
// to change one or to delete an account (migration 00023), even by hand; other columns change.
func TestAnAccountsOwnerNeverChanges(t *testing.T) {
	r := setup(t)
	if err := r.db.Exec("UPDATE accounts SET owner_tenant_id = ? WHERE id = ?", r.tenant.ID, r.own).Error; err == nil {
		t.Fatal("an account changed owner")
	}
	if err := r.db.Exec("UPDATE accounts SET owner_tenant_id = NULL WHERE id = ?", r.company).Error; err == nil {
		t.Fatal("an account lost its owner")
	}
	if err := r.db.Exec("DELETE FROM accounts WHERE id = ?", r.others).Error; err == nil {
		t.Fatal("an account was deleted")
	}
	if err := r.db.Exec("UPDATE accounts SET owner_tenant_id = owner_tenant_id, status = 'BLOCKED' WHERE id = ?", r.company).Error; err != nil {
		t.Fatalf("the same owner written again, with another change: %v", err)
	}
}
