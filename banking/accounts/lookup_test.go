package accounts_test

import (
	"context"
	"testing"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
)

func TestByAccountCode(t *testing.T) {
	svc, db := newService(t, "standard")
	ctx := context.Background()
	acc, err := svc.Review(ctx, create(t, svc, validCPF).ID, accounts.DecisionApprove, nil, "op")
	if err != nil {
		t.Fatal(err)
	}
	got, err := accounts.FindByAccountCode(db.WithContext(ctx), acc.BankAccount.AccountCode)
	if err != nil || got.ID != acc.ID || got.BankAccount == nil || got.BankAccount.ID != acc.BankAccount.ID || got.Name != acc.Name {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := accounts.FindByAccountCode(db.WithContext(ctx), "99999999"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("unknown code: %v", err)
	}
}
