package receipts

import (
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/money"
)

// Kind is the kind of payment a receipt proves (DOMAIN.md §6.3, §6.4, §6.6). The values are
// those of payments.Kind and the GraphQL PaymentKind, so receipts.Kind(p.Kind) converts.
type Kind string

// The kinds of receipt.
const (
	InternalTransfer   Kind = "INTERNAL_TRANSFER" // between two accounts of this bank: instant, 24×7
	TED                Kind = "TED"               // to another bank through the STR
	BoletoPayment      Kind = "BOLETO"            // a boleto de cobrança: 47-digit typed line
	ArrecadacaoPayment Kind = "BARCODE"           // arrecadação, a utility bill or tax (concessionária, tributo): 48-digit typed line
	Salary             Kind = "PAYROLL"           // one salary of a payroll: a transfer to the employee's Ponte account
)

// IsBarcode reports whether k is the payment of a barcode (boleto or arrecadação), whose receipt
// shows the typed line instead of the beneficiary's account.
func (k Kind) IsBarcode() bool { return k == BoletoPayment || k == ArrecadacaoPayment }

// Title is the receipt's heading: "Comprovante de transferência" or "Comprovante de pagamento".
func (k Kind) Title() string {
	if k.IsBarcode() {
		return "Comprovante de pagamento"
	}
	return "Comprovante de transferência"
}

// Description names the operation in Portuguese, under the title.
func (k Kind) Description() string {
	switch k {
	case InternalTransfer:
		return "Transferência entre contas Ponte"
	case TED:
		return "TED – Transferência Eletrônica Disponível"
	case BoletoPayment:
		return "Pagamento de boleto"
	case ArrecadacaoPayment:
		return "Pagamento de conta de consumo / tributo"
	case Salary:
		return "Pagamento de salário (folha de pagamento)"
	}
	return ""
}

// Party is one side of the payment as the receipt shows it. For a barcode payment the beneficiary
// (cedente) may be known only by name, or not at all; empty fields are left off the PDF.
type Party struct {
	Name         string
	Document     string              // CPF or CNPJ, bare or masked; printed masked
	DocumentType brazil.DocumentType // "" infers it from the length

	InstitutionName string // "STONE IP S.A."
	InstitutionISPB string // 8 digits
	InstitutionCode string // COMPE, 3 digits; some institutions have none
	BranchCode      string // agência, without check digit
	AccountCode     string // conta, with its check digit
	AccountType     string // CC, PG, ... (DOMAIN.md §6.4)
}

// BarcodeDetails is what a barcode payment's receipt shows of the code paid. Either field may be
// left empty: the other one is derived from it.
type BarcodeDetails struct {
	Line    string      // linha digitável: 47 digits (boleto) or 48 (arrecadação), masked or not
	Barcode string      // the 44 digits the scanner reads
	DueDate brazil.Date // vencimento; zero when the document has none or it is unknown
}

// Receipt is the proof of one payment: what a Brazilian bank's comprovante shows. Covers says
// which: its execution (the zero value means CoversPayment), its scheduling, or its refund.
type Receipt struct {
	Kind   Kind
	Covers Covers
	// Refund is set exactly when Covers is CoversRefund.
	Refund *Refund
	// VerifyAt is where a person confirms the receipt "na Ponte" (a web address), printed next
	// to the authentication code; empty prints the API's verifyReceipt only.
	VerifyAt string

	PaymentID           uuid.UUID // the transfer or payment
	LedgerTransactionID uuid.UUID // the ledger transaction that moved the money; nil for a scheduling
	// AuthenticationCode is Authenticate(key, parts...) of what the receipt covers:
	// AuthenticationParts, SchedulingParts or RefundParts. Set it with Sign.
	AuthenticationCode string

	Payer       Party
	Beneficiary Party           // the favorecido of a transfer, the beneficiário (cedente) of a barcode
	Barcode     *BarcodeDetails // set exactly for BoletoPayment and ArrecadacaoPayment

	Amount      money.Cents // what the beneficiary gets
	Fee         money.Cents // the tarifa charged for the operation, 0 if none
	Description string      // the payer's own description, if any

	CreatedAt   time.Time   // when the payment was requested
	ScheduledTo brazil.Date // the date it was scheduled for; zero when it ran at once
	FinishedAt  time.Time   // when it was executed: the receipt's date; zero for a scheduling
}

// covers is r.Covers, CoversPayment when unset.
func (r Receipt) covers() Covers {
	if r.Covers == "" {
		return CoversPayment
	}
	return r.Covers
}

// TotalDebited is what left the payer's account: the amount plus the fee.
func (r Receipt) TotalDebited() money.Cents { return r.Amount + r.Fee }

// Sign sets r.AuthenticationCode under key from what r covers: the payment id, the ledger
// transaction id and the finished time (AuthenticationParts); for a scheduling SchedulingParts,
// for a refund RefundParts.
func (r *Receipt) Sign(key []byte) {
	r.AuthenticationCode = Authenticate(key, r.parts()...)
}

// Verify reports whether r's authentication code is the one key gives for what r covers. The code
// covers only those ids and times: it proves that Ponte issued that receipt for that payment, and
// whoever checks a printed receipt compares its amount and parties with what verifyReceipt
// answers (the payment as Ponte keeps it), not with the paper.
func (r Receipt) Verify(key []byte) bool {
	return Verify(key, r.AuthenticationCode, r.parts()...)
}

// Validate reports why r cannot be issued: an apperr.InvalidState error when the payment has not
// finished, apperr.Invalid when the receipt is incomplete or inconsistent (no kind, no ids, no
// authentication code, a negative amount, a barcode payment without a valid code). WritePDF
// calls it first.
func (r Receipt) Validate() error {
	scheduling := r.covers() == CoversScheduling
	switch {
	case scheduling && r.ScheduledTo.IsZero():
		return apperr.E(apperr.InvalidState, "a scheduling receipt is issued only for a payment scheduled for a day")
	case !scheduling && r.FinishedAt.IsZero():
		return apperr.E(apperr.InvalidState, "a receipt is issued only for a finished payment")
	case (r.covers() == CoversRefund) != (r.Refund != nil):
		return apperr.E(apperr.Invalid, "a refund's receipt, and only it, carries the refund")
	case r.Covers != "" && r.Covers != CoversPayment && r.Covers != CoversScheduling && r.Covers != CoversRefund:
		return apperr.E(apperr.Invalid, "unknown receipt coverage %q", string(r.Covers))
	case r.Kind.Description() == "":
		return apperr.E(apperr.Invalid, "unknown receipt kind %q", string(r.Kind))
	case r.PaymentID == uuid.Nil || (!scheduling && r.LedgerTransactionID == uuid.Nil):
		return apperr.E(apperr.Invalid, "a receipt needs the payment id and the ledger transaction id")
	case r.AuthenticationCode == "":
		return apperr.E(apperr.Invalid, "the receipt is not signed: call Sign")
	case r.Amount <= 0:
		return apperr.E(apperr.Invalid, "the amount must be positive, got %s", r.Amount)
	case r.Fee < 0:
		return apperr.E(apperr.Invalid, "the fee cannot be negative, got %s", r.Fee)
	case r.Payer.Name == "":
		return apperr.E(apperr.Invalid, "the payer's name is missing")
	case r.Kind.IsBarcode() != (r.Barcode != nil):
		return apperr.E(apperr.Invalid, "barcode details go with boleto and arrecadação payments only")
	case !r.Kind.IsBarcode() && r.Beneficiary.Name == "":
		return apperr.E(apperr.Invalid, "the beneficiary's name is missing")
	}
	if r.Barcode != nil {
		if _, err := r.paidCode(); err != nil {
			return err
		}
	}
	return nil
}

// paidCode is the validated code of a barcode payment's receipt.
type paidCode struct {
	line    string // formatted typed line
	barcode string // 44 digits
	issuer  string // boleto: the issuing bank; arrecadação: the FEBRABAN segment
}

func (r Receipt) paidCode() (paidCode, error) {
	b := r.Barcode
	given := b.Line
	if given == "" {
		given = b.Barcode
	}
	if given == "" {
		return paidCode{}, apperr.E(apperr.Invalid, "a barcode payment's receipt needs the typed line or the barcode")
	}
	var pc paidCode
	switch r.Kind {
	case BoletoPayment:
		bo, err := brazil.ParseBoleto(given)
		if err != nil {
			return paidCode{}, &apperr.Error{Code: apperr.InvalidBarcode, Message: "the boleto's code is not valid", Err: err}
		}
		pc = paidCode{line: bo.FormattedLine(), barcode: bo.Barcode}
		if bank, ok := brazil.BankByCode(bo.BankCode); ok {
			pc.issuer = bo.BankCode + " – " + bank.Name
		}
	case ArrecadacaoPayment:
		a, err := brazil.ParseArrecadacao(given)
		if err != nil {
			return paidCode{}, &apperr.Error{Code: apperr.InvalidBarcode, Message: "the arrecadação code is not valid", Err: err}
		}
		pc = paidCode{line: a.FormattedLine(), barcode: a.Barcode, issuer: a.SegmentName()}
	}
	if b.Line != "" && b.Barcode != "" && digitsOf(b.Barcode) != pc.barcode {
		return paidCode{}, apperr.E(apperr.InvalidBarcode, "the typed line and the barcode are of different documents")
	}
	return pc, nil
}

func digitsOf(s string) string {
	out := make([]byte, 0, len(s))
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			out = append(out, s[i])
		}
	}
	return string(out)
}
