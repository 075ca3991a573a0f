package resolvers_test

import (
	"context"
	"testing"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/resolvers"
)

func TestSandboxDepositIsRefusedOutsideTheSandbox(t *testing.T) {
	r := &resolvers.Resolver{Sandbox: false}
	_, err := r.Mutation().SandboxDeposit(context.Background(), model.SandboxDepositInput{AccountID: "x", Amount: 100, IdempotencyKey: "k"})
	if apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("err = %v, want FORBIDDEN", err)
	}
}

func TestSandboxPayBoletoIsRefusedOutsideTheSandbox(t *testing.T) {
	r := &resolvers.Resolver{Sandbox: false}
	_, err := r.Mutation().SandboxPayBoleto(context.Background(), model.SandboxPayBoletoInput{Code: "x", Amount: 100, PayerName: "n", PayerDocument: "d"})
	if apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("err = %v, want FORBIDDEN", err)
	}
}
