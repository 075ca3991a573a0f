package resolvers

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
)

func TestEveryLedgerKindIsAStatementEntryKind(t *testing.T) {
	for _, k := range ledger.Kinds {
		if out := entryKindOut(k); !out.IsValid() {
			t.Errorf("ledger kind %q: %q is not a StatementEntryKind", k, out)
		}
	}
}

func TestEveryFailureReasonIsAPaymentFailureReason(t *testing.T) {
	for _, r := range payments.FailureReasons {
		p := &models.Payment{Status: string(payments.StatusFailed), FailureReason: &r}
		if out := failureReasonOut(p); !out.IsValid() {
			t.Errorf("failure reason %q: %q is not a PaymentFailureReason", r, *out)
		}
	}
	refund := "conta encerrada"
	if out := failureReasonOut(&models.Payment{Status: string(payments.StatusRefunded), FailureReason: &refund}); *out != model.PaymentFailureReasonReturned {
		t.Errorf("a refunded payment: %q", *out)
	}
}

// TestEveryBarcodeRefusalIsABarcodeErrorReason: every reason the payment-code vectors expect
// (brazil's testdata, the same the decoder is tested with) has its enum value.
func TestEveryBarcodeRefusalIsABarcodeErrorReason(t *testing.T) {
	raw, err := os.ReadFile("../brazil/testdata/brazil.json")
	if err != nil {
		t.Fatal(err)
	}
	type invalid struct {
		ExpectedReason string `json:"expected_reason"`
	}
	var v struct {
		Boleto      struct{ Invalid []invalid } `json:"boleto"`
		Arrecadacao struct{ Invalid []invalid } `json:"arrecadacao"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range append(v.Boleto.Invalid, v.Arrecadacao.Invalid...) {
		if c.ExpectedReason == "" || seen[c.ExpectedReason] {
			continue
		}
		seen[c.ExpectedReason] = true
		if _, err := barcodeReasonOut(c.ExpectedReason); err != nil {
			t.Error(err)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("only %d reasons in the vectors: %v", len(seen), seen)
	}
	if _, err := barcodeReasonOut("not_a_reason"); err == nil {
		t.Fatal("an unknown reason was accepted")
	}
}
