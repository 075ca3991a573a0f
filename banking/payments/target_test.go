package payments_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/payments"
)

func TestATransfersBeneficiaryIsHiddenUntilItHasRun(t *testing.T) {
	receiver := uuid.New()
	internal := payments.Target{AccountID: &receiver, Name: "Maria Silva Santos", Document: "39053344705", AccountCode: "12345678"}
	tedTarget := payments.Target{Name: "Fornecedor Ltda", Document: "11222333000181", AccountCode: "56789-0"}
	for _, st := range []payments.Status{payments.StatusCreated, payments.StatusApproved, payments.StatusScheduled, payments.StatusDelayed,
		payments.StatusFailed, payments.StatusRejected, payments.StatusCancelled, payments.StatusExpired} {
		if !payments.HidesBeneficiary(st, internal) {
			t.Errorf("a %s transfer shows its beneficiary", st)
		}
		if payments.HidesBeneficiary(st, tedTarget) {
			t.Errorf("a %s TED hides what the tenant typed", st)
		}
	}
	for _, st := range []payments.Status{payments.StatusFinished, payments.StatusRefunded} {
		if payments.HidesBeneficiary(st, internal) {
			t.Errorf("a %s transfer hides whom it paid", st)
		}
	}
	m := payments.MaskBeneficiary(internal)
	if m.Name != "Maria S****" || m.Document != "***.533.447-**" || m.AccountCode != "12345678" || m.AccountID != &receiver {
		t.Fatalf("masked %+v", m)
	}
	if internal.Name != "Maria Silva Santos" {
		t.Fatal("masking changed the stored target")
	}
}
