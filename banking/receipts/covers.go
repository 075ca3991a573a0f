package receipts

import (
	"encoding/hex"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/money"
)

// Covers is what a receipt proves. Each has its own authentication code: a scheduling receipt's
// code does not vouch that money moved, and a refund's is not its payment's.
type Covers string

// What a receipt may cover. The values are GraphQL's ReceiptKind.
const (
	// CoversPayment is the comprovante of an executed payment (FINISHED): money left the account.
	CoversPayment Covers = "PAYMENT"
	// CoversScheduling is the comprovante de agendamento Stone issues for a payment scheduled for
	// a future day (SCHEDULED): it proves the order and the day, not that money moved.
	CoversScheduling Covers = "SCHEDULING"
	// CoversRefund is the comprovante of a payment that was executed and then returned by the
	// rail (REFUNDED): the payment and its refund.
	CoversRefund Covers = "REFUND"
)

// Refund is a returned payment's refund, as its receipt shows it.
type Refund struct {
	TransactionID uuid.UUID   // the ledger transaction that returned the money
	At            time.Time   // when the money came back
	Amount        money.Cents // what came back: the amount and the fee
	Reason        string      // the rail's reason, if any
}

// SchedulingParts returns what a scheduling receipt's code authenticates: the payment id, the day
// it is scheduled for and when it was requested (UTC, to the microsecond, as PostgreSQL keeps
// it). Neither changes once the payment is SCHEDULED, so the code verifies for good, also after
// the payment has run or been cancelled (verification then tells its status).
func SchedulingParts(paymentID uuid.UUID, scheduledTo brazil.Date, createdAt time.Time) []string {
	return []string{"scheduling", paymentID.String(), scheduledTo.String(), stamp(createdAt)}
}

// RefundParts returns what a refund receipt's code authenticates: the payment's own parts
// (AuthenticationParts) and the refund's transaction and time.
func RefundParts(paymentID, ledgerTransactionID uuid.UUID, finishedAt time.Time, refundTransactionID uuid.UUID, refundedAt time.Time) []string {
	return append(AuthenticationParts(paymentID, ledgerTransactionID, finishedAt), "refund", refundTransactionID.String(), stamp(refundedAt))
}

// stamp is an instant as codes authenticate it: UTC, microseconds.
func stamp(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z07:00")
}

// parts is what r's code authenticates, by what it covers.
func (r Receipt) parts() []string {
	switch r.Covers {
	case CoversScheduling:
		return SchedulingParts(r.PaymentID, r.ScheduledTo, r.CreatedAt)
	case CoversRefund:
		if r.Refund != nil {
			return RefundParts(r.PaymentID, r.LedgerTransactionID, r.FinishedAt, r.Refund.TransactionID, r.Refund.At)
		}
	}
	return AuthenticationParts(r.PaymentID, r.LedgerTransactionID, r.FinishedAt)
}

// NormalizeCode reads a code as a person types it (any case, dashes, spaces) into its canonical
// stored form, 32 uppercase hexadecimal digits; ok is false for anything that is not a code.
func NormalizeCode(code string) (string, bool) {
	b, ok := parseCode(code)
	if !ok {
		return "", false
	}
	return strings.ToUpper(hex.EncodeToString(b)), true
}

// PublicDocument is a party's document as an answer to anyone holding the receipt may show it: a
// company's CNPJ in full (it is public), a person's CPF with only its middle six digits,
// ***.438.034-**, as Brazilian banks print a CPF for third parties (LGPD).
func PublicDocument(who Party) string {
	if who.Document == "" {
		return ""
	}
	d, err := brazil.ParseDocument(who.Document, who.DocumentType)
	if err != nil {
		return ""
	}
	if d.Type == brazil.CPF {
		f := d.Formatted()
		return "***" + f[3:12] + "**"
	}
	return d.Formatted()
}
