package ledger

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/money"
)

// Kind is a statement entry's type. The names are Stone's statement types (DOMAIN.md §6.2), so an
// ERP that already classifies Stone statements classifies Ponte's the same way; KindFee is Ponte's
// own, because Ponte posts a fee as its own entry instead of folding it into the amount.
type Kind string

// The statement kinds the ledger writes today. Adding one needs a migration (a CHECK lists them).
const (
	KindInternal       Kind = "internal"        // between two Ponte accounts (internal transfer)
	KindExternal       Kind = "external"        // a TED in or out, through the settlement account
	KindExternalRefund Kind = "external_refund" // a TED out that came back
	KindPayment        Kind = "payment"         // a boleto, utility bill or tax paid by barcode
	KindPaymentRefund  Kind = "payment_refund"  // a barcode payment returned
	KindFee            Kind = "fee"             // the fee of an operation, posted to fee income
	// KindBoletoSettlement is the beneficiary's credit of a boleto it issued and someone paid
	// (banking/boletos): Stone's cash_in_barcode_payment.
	KindBoletoSettlement Kind = "boleto_settlement"
)

// Kinds are every Kind the ledger writes (GraphQL's StatementEntryKind has each, upper-cased).
var Kinds = []Kind{KindInternal, KindExternal, KindExternalRefund, KindPayment, KindPaymentRefund, KindFee, KindBoletoSettlement}

func (k Kind) valid() bool { return slices.Contains(Kinds, k) }

// Direction is whether an entry put money into its account or took it out (GraphQL EntryDirection).
type Direction string

// The two directions.
const (
	Credit Direction = "CREDIT"
	Debit  Direction = "DEBIT"
)

// SystemAccount names one of the bank's own ledger accounts.
type SystemAccount string

// The bank's ledger accounts.
const (
	// Settlement is where money enters or leaves the institution (TED, barcode payments). It
	// runs negative: its balance is what the bank owes its customers for money received.
	Settlement SystemAccount = "SETTLEMENT"
	// FeeIncome collects the fees charged to customers.
	FeeIncome SystemAccount = "FEE_INCOME"
)

// Counterparty is who is on the other side of an entry. For a Ponte account set only AccountID:
// the ledger fills in the rest from the account and its payment account. For anyone else, fill in
// what the rail gave (a TED carries all of it).
type Counterparty struct {
	AccountID       *uuid.UUID `json:"accountId,omitempty"`
	Name            string     `json:"name,omitempty"`
	Document        string     `json:"document,omitempty"`
	DocumentType    string     `json:"documentType,omitempty"`    // CPF or CNPJ
	InstitutionISPB string     `json:"institutionIspb,omitempty"` // 8 digits
	InstitutionCode string     `json:"institutionCode,omitempty"` // COMPE, 3 digits; some have none
	InstitutionName string     `json:"institutionName,omitempty"`
	BranchCode      string     `json:"branchCode,omitempty"`
	AccountCode     string     `json:"accountCode,omitempty"`
	AccountType     string     `json:"accountType,omitempty"` // CC, PG, ...
}

// SandboxCounterparty is the external sender of sandbox deposits: an incoming TED from Banco do
// Brasil, from a company with a valid CNPJ.
var SandboxCounterparty = Counterparty{
	Name:            "Remetente Sandbox Ltda",
	Document:        "11222333000181",
	DocumentType:    "CNPJ",
	InstitutionISPB: "00000000",
	InstitutionCode: "001",
	InstitutionName: "BCO DO BRASIL S.A.",
	BranchCode:      "1234",
	AccountCode:     "567890",
	AccountType:     "CC",
}

// Entry is one posting on one ledger account. On a customer's ledger account it is a statement
// entry: Stone's fields (DOMAIN.md §6.2) with the amount split into Amount and Direction.
type Entry struct {
	ID              uuid.UUID
	LedgerAccountID uuid.UUID
	AccountID       *uuid.UUID    // the customer account; nil on the bank's own accounts
	System          SystemAccount // the bank's account; "" on customer accounts
	TransactionID   uuid.UUID
	// OperationID is the object the movement executes (a payment), when another package owns
	// one; nil when the transaction itself is the operation (a deposit).
	OperationID   *uuid.UUID
	OccurredAt    time.Time
	Direction     Direction
	Amount        money.Cents // never negative: Direction says which way
	BalanceBefore money.Cents // available balance just before this entry
	BalanceAfter  money.Cents // and just after it
	Kind          Kind
	Description   string
	// Fee is the fee charged for this entry's operation (like Stone's fee_amount). The fee itself
	// is its own entry of KindFee in the same transaction, so Amount never includes it.
	Fee          money.Cents
	Counterparty *Counterparty
}

// Signed is the entry's amount with its sign: positive for a credit.
func (e Entry) Signed() money.Cents {
	if e.Direction == Debit {
		return -e.Amount
	}
	return e.Amount
}

// Transaction is one movement and all its postings, in posting order.
type Transaction struct {
	ID          uuid.UUID
	Kind        Kind
	TenantID    *uuid.UUID
	OperationID *uuid.UUID
	Description string
	OccurredAt  time.Time
	Entries     []Entry
	// Replayed is true when an earlier call with the same idempotency key and the same request
	// posted this transaction, and this call posted nothing.
	Replayed bool
}

// EntryFor returns the first entry of t on the customer account accountID that is not a fee:
// the statement entry a deposit or a transfer produced for that account. Nil if there is none.
func (t *Transaction) EntryFor(accountID uuid.UUID) *Entry {
	for i := range t.Entries {
		e := &t.Entries[i]
		if e.AccountID != nil && *e.AccountID == accountID && e.Kind != KindFee {
			return e
		}
	}
	return nil
}

// Balance is an account's balances (Stone: balance, blocked_balance, scheduled_balance). The total
// the account holds is Available + Blocked; Scheduled is informative.
type Balance struct {
	Available money.Cents
	Blocked   money.Cents
	Scheduled money.Cents
}
