package payments_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/payments"
)

func TestATransfersBeneficiaryIsHiddenUntilItHasRun(t *testing.T) {
	for _, st := range []payments.Status{payments.StatusCreated, payments.StatusApproved, payments.StatusScheduled, payments.StatusDelayed,
		payments.StatusFailed, payments.StatusRejected, payments.StatusCancelled, payments.StatusExpired} {
		if !payments.HidesBeneficiary(payments.KindInternalTransfer, st) {
			t.Errorf("a %s transfer shows its beneficiary", st)
		}
		for _, k := range []payments.Kind{payments.KindTED, payments.KindBoleto, payments.KindBarcode} {
			if payments.HidesBeneficiary(k, st) {
				t.Errorf("a %s %s hides what the tenant typed", st, k)
			}
		}
	}
	for _, st := range []payments.Status{payments.StatusFinished, payments.StatusRefunded} {
		if payments.HidesBeneficiary(payments.KindInternalTransfer, st) {
			t.Errorf("a %s transfer hides whom it paid", st)
		}
	}
}

// A hidden target is the code the payer gave and nothing else, so that a code that names an
// account looks exactly like one that names none.
func TestAHiddenTargetIsTheCodeAlone(t *testing.T) {
	receiver := uuid.New()
	whole := payments.Target{AccountID: &receiver, Name: "Maria Silva Santos", Document: "39053344705", DocumentType: "CPF",
		ISPB: "16501555", BankCode: "197", BankName: "Stone Pagamentos S.A.", BranchCode: "0001", AccountCode: "12345678", AccountType: "PG"}
	if got, codeOnly := payments.WithoutBeneficiary(whole), payments.WithoutBeneficiary(payments.Target{AccountCode: "12345678"}); got != codeOnly || got.AccountCode != "12345678" {
		t.Fatalf("hidden %+v, a code naming nobody %+v", got, codeOnly)
	}
	if whole.Name != "Maria Silva Santos" || whole.AccountID != &receiver {
		t.Fatal("hiding changed the stored target")
	}
}
