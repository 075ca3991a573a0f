package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// posting is a movement worked out against the locked balances: the rows to write, the balances
// they leave, and the Transaction to return.
type posting struct {
	txn      models.LedgerTransaction
	entries  []models.LedgerEntry
	balances map[uuid.UUID]int64 // ledger account id → available after the movement
	out      *Transaction
}

// apply works out every entry's balance before and after, in posting order, and refuses the
// movement if a customer would end below zero. Errors: INSUFFICIENT_FUNDS.
func (s *Service) apply(m *Movement, parties map[uuid.UUID]*party, locked map[uuid.UUID]*lockedAccount, txnID uuid.UUID, at time.Time) (*posting, error) {
	w := &posting{
		txn: models.LedgerTransaction{ID: txnID, Kind: string(m.Kind), TenantID: m.TenantID, OperationID: m.OperationID,
			Description: m.Description, OccurredAt: at},
		balances: make(map[uuid.UUID]int64, len(locked)),
	}
	w.out = &Transaction{ID: txnID, Kind: m.Kind, TenantID: m.TenantID, OperationID: m.OperationID, Description: m.Description, OccurredAt: at}
	for id, a := range locked {
		w.balances[id] = a.AvailableCents
	}
	ids := entryIDs(len(m.Postings))
	var sum int64 // validate checked it; this checks again what is about to be written
	for i, p := range m.Postings {
		sum += int64(p.Amount) // cannot overflow: balanced, credits and debits each total at most 8 × 10^18
		la := s.ledgerAccountOf(p, parties)
		before := w.balances[la]
		after, ok := addCents(before, int64(p.Amount))
		if !ok {
			return nil, fmt.Errorf("ledger: balance of %s would overflow", la)
		}
		w.balances[la] = after
		cp, err := resolveCounterparty(p.Counterparty, parties)
		if err != nil {
			return nil, err
		}
		e := Entry{
			ID: ids[i], LedgerAccountID: la, System: p.System, TransactionID: txnID, OperationID: m.OperationID,
			OccurredAt: at, Direction: Credit, Amount: p.Amount, BalanceBefore: money.Cents(before), BalanceAfter: money.Cents(after),
			Kind: orDefault(p.Kind, m.Kind), Description: orDefault(p.Description, m.Description), Fee: p.Fee, Counterparty: cp,
		}
		if p.customer() {
			id := p.AccountID
			e.AccountID = &id
		}
		if p.Amount < 0 {
			e.Direction, e.Amount = Debit, -p.Amount
		}
		row, err := entryRowOf(e, int64(p.Amount))
		if err != nil {
			return nil, err
		}
		w.entries = append(w.entries, row)
		w.out.Entries = append(w.out.Entries, e)
	}
	if sum != 0 {
		return nil, fmt.Errorf("ledger: transaction %s postings sum to %d", txnID, sum)
	}
	for id, a := range locked {
		if a.Kind == "CUSTOMER" && w.balances[id] < 0 {
			return nil, apperr.Field(apperr.InsufficientFunds, []string{"amount"},
				"the available balance is %s, less than the %s this movement needs", money.Cents(a.AvailableCents), money.Cents(a.AvailableCents-w.balances[id]))
		}
	}
	return w, nil
}

// keyClaim is a movement's idempotency key, claimed by the statement that writes the movement
// (postOperation) rather than before it.
type keyClaim struct {
	space  keySpace
	tenant *uuid.UUID
	key    string
	hash   []byte
}

// write inserts the transaction and its entries, sets the new balances and consumes the
// movement's cash-out limits (lim), in one statement (one round trip, while the ledger accounts
// are locked), and only when the limits hold and, with a claim, when the statement claims the key
// too: otherwise it writes nothing at all. written says whether it wrote. Its foreign keys are
// checked at the end of the statement, when the transaction row the entries point to exists.
// Errors: LIMIT_EXCEEDED.
//
// With pending (deferred events, events.Defer), the statement also writes everything pending
// holds, behind the same gate, and empties it when it wrote.
func (w *posting) write(tx *gorm.DB, lim limitCheck, claim *keyClaim, pending *events.Pending) (written bool, err error) {
	var q strings.Builder
	t := w.txn
	args := lim.sql(&q, nil)
	if claim != nil {
		q.WriteString(`claim AS (INSERT INTO ledger_idempotency_keys (space, tenant_id, key, request_hash, transaction_id)
		SELECT ?, ?::uuid, ?, ?::bytea, ?::uuid FROM ok ON CONFLICT (space, tenant_id, key) DO NOTHING RETURNING 1 AS ok),
	gate AS (SELECT ok FROM claim),
`)
		args = append(args, string(claim.space), claim.tenant, claim.key, claim.hash, t.ID)
	} else {
		q.WriteString("gate AS (SELECT ok FROM ok),\n")
	}
	args = lim.consume(&q, args)
	changed := "0"
	if pending != nil {
		var ok bool
		if args, changed, ok = pending.WriteWith(&q, args, "gate"); !ok {
			pending = nil // too much for one statement: it is flushed on its own
			changed = "0"
		}
	}
	q.WriteString(`txn AS (INSERT INTO ledger_transactions (id, kind, tenant_id, operation_id, description, occurred_at)
		SELECT ?::uuid, ?::text, ?::uuid, ?::uuid, ?::text, ?::timestamptz FROM gate),
	entries AS (INSERT INTO ledger_entries (id, transaction_id, ledger_account_id, occurred_at, amount_cents,
		balance_before_cents, balance_after_cents, kind, description, fee_cents, counterparty) SELECT v.* FROM (VALUES `)
	args = append(args, t.ID, t.Kind, t.TenantID, t.OperationID, t.Description, t.OccurredAt)
	for i, e := range w.entries {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?::uuid, ?::uuid, ?::uuid, ?::timestamptz, ?::bigint, ?::bigint, ?::bigint, ?::text, ?::text, ?::bigint, ?::jsonb)")
		var cp any // a nil []byte would be sent as an empty string, not NULL
		if e.Counterparty != nil {
			cp = string(e.Counterparty)
		}
		args = append(args, e.ID, e.TransactionID, e.LedgerAccountID, e.OccurredAt, e.AmountCents,
			e.BalanceBeforeCents, e.BalanceAfterCents, e.Kind, e.Description, e.FeeCents, cp)
	}
	q.WriteString(`) AS v CROSS JOIN gate),
	upd AS (UPDATE ledger_accounts la SET available_cents = v.available, last_entry_at = ? FROM (VALUES `)
	args = append(args, t.OccurredAt)
	i := 0
	for id, bal := range w.balances {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?::uuid, ?::bigint)")
		args = append(args, id, bal)
		i++
	}
	q.WriteString(") AS v (id, available) CROSS JOIN gate WHERE la.id = v.id RETURNING la.id)\n")
	q.WriteString(lim.usageSelect(changed))
	var rows []struct {
		AccountID      *uuid.UUID
		Daily, Monthly int64
		Updated        int64
		Written        int64
		Changed        int64
	}
	// Find, not Scan: gorm's Scan renders every statement with its values for a logger, even one
	// that discards it.
	if err := tx.Raw(q.String(), args...).Find(&rows).Error; err != nil {
		return false, fmt.Errorf("ledger: write movement: %w", err)
	}
	if len(rows) == 0 {
		return false, fmt.Errorf("ledger: write movement: no answer")
	}
	used := make(map[uuid.UUID]usage, len(rows))
	for _, r := range rows {
		if r.AccountID != nil {
			used[*r.AccountID] = usage{Daily: r.Daily, Monthly: r.Monthly}
		}
	}
	if err := lim.refusal(used); err != nil {
		return false, err
	}
	if rows[0].Written == 0 {
		if claim == nil {
			return false, fmt.Errorf("ledger: write movement: within its limits but not written")
		}
		return false, nil // the key was taken: the caller replays
	}
	if int(rows[0].Updated) != len(w.balances) {
		return false, fmt.Errorf("ledger: updated %d of %d balances", rows[0].Updated, len(w.balances))
	}
	if pending != nil {
		if err := pending.Written(true, rows[0].Changed); err != nil {
			return false, err
		}
	}
	return true, nil
}

// entryIDs returns n new UUIDv7 ids in ascending order. Entries of one transaction share one
// occurred_at, so their ids alone order them; sorting makes that hold whatever the generator does.
func entryIDs(n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// resolveCounterparty fills a Ponte account's counterparty from the account and its payment
// account, so every entry carries the same details whoever posted it.
func resolveCounterparty(c *Counterparty, parties map[uuid.UUID]*party) (*Counterparty, error) {
	if c == nil || c.AccountID == nil {
		return c, nil
	}
	p, ok := parties[*c.AccountID]
	if !ok {
		return nil, apperr.Field(apperr.NotFound, []string{"counterparty"}, "no account with id %s", *c.AccountID)
	}
	return p.counterparty(), nil
}

func entryRowOf(e Entry, signed int64) (models.LedgerEntry, error) {
	row := models.LedgerEntry{
		ID: e.ID, TransactionID: e.TransactionID, LedgerAccountID: e.LedgerAccountID, OccurredAt: e.OccurredAt,
		AmountCents: signed, BalanceBeforeCents: int64(e.BalanceBefore), BalanceAfterCents: int64(e.BalanceAfter),
		Kind: string(e.Kind), Description: e.Description, FeeCents: int64(e.Fee),
	}
	if e.Counterparty != nil {
		b, err := json.Marshal(e.Counterparty)
		if err != nil {
			return row, fmt.Errorf("ledger: encode counterparty: %w", err)
		}
		row.Counterparty = b
	}
	return row, nil
}

// addCents adds without wrapping around; ok is false on overflow.
func addCents(a, b int64) (sum int64, ok bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}

// orDefault returns the first of a, b that is not empty.
func orDefault[T ~string](a, b T) T {
	if a != "" {
		return a
	}
	return b
}
