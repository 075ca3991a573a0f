package resolvers

import (
	"fmt"
	"strings"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
)

// GraphQL enums spell the vocabularies Stone's documents (and Ponte's exports and webhooks) write
// in lower_snake_case in UPPER_SNAKE_CASE: the same words, another case.

// entryKindOut is a ledger kind as a StatementEntryKind. Every ledger.Kinds has one
// (TestEveryLedgerKindIsAStatementEntryKind).
func entryKindOut(k ledger.Kind) model.StatementEntryKind {
	return model.StatementEntryKind(strings.ToUpper(string(k)))
}

// barcodeReasonOut is a brazil.BarcodeError's reason as a BarcodeErrorReason; a reason the enum
// lacks is an internal error rather than a value no client could read.
func barcodeReasonOut(reason string) (model.BarcodeErrorReason, error) {
	r := model.BarcodeErrorReason(strings.ToUpper(reason))
	if !r.IsValid() {
		return r, fmt.Errorf("barcode refusal reason %q is not a BarcodeErrorReason", reason)
	}
	return r, nil
}

// failureReasonOut is a payment's failure reason as a PaymentFailureReason: RETURNED for a
// REFUNDED payment (whose free-text reason the receipt's refund carries), Stone's reason
// upper-cased for a FAILED one (every payments.FailureReasons has its value).
func failureReasonOut(p *models.Payment) *model.PaymentFailureReason {
	if p.FailureReason == nil {
		return nil
	}
	if payments.Status(p.Status) == payments.StatusRefunded {
		return ptr(model.PaymentFailureReasonReturned)
	}
	return ptr(model.PaymentFailureReason(strings.ToUpper(*p.FailureReason)))
}
