package ledger

import (
	"crypto/sha256"
	"encoding/json"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/money"
)

// MaxAmount is the largest amount of one posting: Stone's cap on one transfer.
const MaxAmount money.Cents = 999_999_999_999_999_999

// Limits of a movement's text and shape.
const (
	MaxKeyLength   = 72  // Stone's cap on an idempotency key
	MaxDescription = 200 // characters
	maxPostings    = 16
)

// Movement is one money movement: postings on ledger accounts that sum to zero, written
// atomically by Post. Deposit and Transfer build the common ones; the payments package builds
// TEDs, barcode payments and refunds the same way.
type Movement struct {
	TenantID       *uuid.UUID // whose idempotency key this is; nil: the bank's own (operators, sandbox)
	IdempotencyKey string     // 1 to 72 characters
	Kind           Kind       // statement kind of the postings that name none
	Description    string     // up to 200 characters; postings may override it
	// OperationID is the object this movement executes (a payment), if another package owns one.
	// Its key then lives in the operations' key space, apart from every key a caller gives.
	OperationID *uuid.UUID
	Postings    []Posting
	// Ahead, when set, is the operation's own change that must commit with the movement, to be
	// written by the movement's statement (PostTx under a context whose events are deferred,
	// events.Defer): the ledger calls it with the transaction's id once the movement is about to
	// be written, and what it defers is written with the movement, or forgotten if the movement
	// is refused or replayed (the caller then changes its state the ordinary way). It is how a
	// payment's move to FINISHED costs no round trip while the ledger rows are locked.
	Ahead func(txnID uuid.UUID) error
}

// Posting is one line of a movement: an amount on one ledger account.
type Posting struct {
	AccountID   uuid.UUID     // a customer account (accounts.id); zero when System is set
	System      SystemAccount // one of the bank's accounts; "" for a customer account
	Amount      money.Cents   // signed: positive credits the account, negative debits it
	Kind        Kind          // "" takes the movement's
	Description string        // "" takes the movement's
	Fee         money.Cents   // shown on the entry; the fee itself is a posting of its own
	// CashOut marks a customer debit that consumes the account's daily and monthly limits.
	// Fees and internal adjustments do not.
	CashOut      bool
	Counterparty *Counterparty
}

func (p Posting) customer() bool { return p.System == "" }

// validate checks the movement's shape; the rules that need the database come later.
func (m *Movement) validate() error {
	var errs apperr.List
	switch n := utf8.RuneCountInString(m.IdempotencyKey); {
	case n == 0:
		errs = append(errs, apperr.Field(apperr.Required, []string{"idempotencyKey"}, "idempotencyKey is required"))
	case n > MaxKeyLength:
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"idempotencyKey"}, "idempotencyKey must have at most %d characters", MaxKeyLength))
	}
	if utf8.RuneCountInString(m.Description) > MaxDescription {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"description"}, "description must have at most %d characters", MaxDescription))
	}
	if !m.Kind.valid() {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"kind"}, "unknown statement kind %q", m.Kind))
	}
	if len(m.Postings) < 2 || len(m.Postings) > maxPostings {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"postings"}, "a movement has 2 to %d postings", maxPostings))
	}
	// Split by sign so that neither partial sum can overflow int64 (16 × 10^18 could).
	var credits, debits uint64
	for _, p := range m.Postings {
		if err := p.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if p.Amount > 0 {
			credits += uint64(p.Amount)
		} else {
			debits += uint64(-p.Amount)
		}
	}
	if len(errs) == 0 && credits != debits {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"postings"}, "postings do not sum to zero"))
	}
	return errs.OrNil()
}

func (p Posting) validate() *apperr.Error {
	switch {
	case p.System == "" && p.AccountID == uuid.Nil, p.System != "" && p.AccountID != uuid.Nil:
		return apperr.Field(apperr.Invalid, []string{"postings"}, "a posting names either a customer account or a system account")
	case p.System != "" && p.System != Settlement && p.System != FeeIncome:
		return apperr.Field(apperr.Invalid, []string{"postings"}, "unknown system account %q", p.System)
	case p.Amount == 0 || p.Amount > MaxAmount || p.Amount < -MaxAmount:
		return apperr.Field(apperr.Invalid, []string{"amount"}, "amount must be between 0.01 and %s", MaxAmount)
	case p.Fee < 0 || p.Fee > MaxAmount:
		return apperr.Field(apperr.Invalid, []string{"fee"}, "fee must be between 0.00 and %s", MaxAmount)
	case p.Kind != "" && !p.Kind.valid():
		return apperr.Field(apperr.Invalid, []string{"kind"}, "unknown statement kind %q", p.Kind)
	case utf8.RuneCountInString(p.Description) > MaxDescription:
		return apperr.Field(apperr.Invalid, []string{"description"}, "description must have at most %d characters", MaxDescription)
	case p.CashOut && (!p.customer() || p.Amount > 0):
		return apperr.Field(apperr.Invalid, []string{"postings"}, "only a debit of a customer account is a cash-out")
	}
	return nil
}

// requestHash identifies what was asked, to tell a replay (same hash) from a reused key. It
// covers everything but the key itself, as given by the caller (counterparties by account id,
// not the names the ledger fills in), so a renamed account does not turn a replay into a reuse.
func (m *Movement) requestHash() []byte {
	b, err := json.Marshal(struct {
		Kind        Kind
		Description string
		OperationID *uuid.UUID
		Postings    []Posting
	}{m.Kind, m.Description, m.OperationID, m.Postings})
	if err != nil { // only plain data: cannot happen
		panic(err)
	}
	h := sha256.Sum256(b)
	return h[:]
}

// customerIDs returns the customer accounts the movement names, in postings or as counterparties.
func (m *Movement) customerIDs() []uuid.UUID {
	seen := map[uuid.UUID]bool{}
	var ids []uuid.UUID
	add := func(id uuid.UUID) {
		if id != uuid.Nil && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, p := range m.Postings {
		if p.customer() {
			add(p.AccountID)
		}
		if p.Counterparty != nil && p.Counterparty.AccountID != nil {
			add(*p.Counterparty.AccountID)
		}
	}
	return ids
}
