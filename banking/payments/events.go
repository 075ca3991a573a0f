package payments

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// record appends a payment event to the event log in tx: from → to, who, why, and (events.Record)
// the request behind it.
func (s *Service) record(ctx context.Context, tx *gorm.DB, p *models.Payment, from, to Status, actor string, reason *string) error {
	ev := &events.Event{Name: EventName(Kind(p.Kind), to), Topic: events.TopicPayment, TenantID: p.TenantID,
		AccountID: &p.AccountID, PaymentID: &p.ID, ToStatus: string(to), Actor: actor, Reason: reason, OccurredAt: s.now()}
	if from != "" {
		f := string(from)
		ev.FromStatus = &f
	}
	return events.Record(ctx, tx, ev)
}

// EventName is the event's name as Stone's webhooks spell them: cash_out_<operation>_<status>,
// e.g. cash_out_internal_transfer_approved, cash_out_external_transfer_finished,
// cash_out_payment_refunded.
func EventName(k Kind, to Status) string {
	op := map[Kind]string{KindInternalTransfer: "internal_transfer", KindTED: "external_transfer", KindBoleto: "payment",
		KindBarcode: "payment", KindPayroll: "payroll"}[k]
	return "cash_out_" + op + "_" + strings.ToLower(string(to))
}

// move changes p's status in tx, recording the event and keeping the account's scheduled
// balance in step; the caller holds p's row lock. It is the one place a stored payment's status
// changes, and it enforces the status machine: a move the machine does not allow is an internal
// error (a bug in the caller) and writes nothing. It writes status and updated_at, and of the
// other columns only those named in changed: the ones the caller set on p for this move (a
// column set on p and not named is not stored).
func (s *Service) move(ctx context.Context, tx *gorm.DB, p *models.Payment, to Status, actor string, reason *string, changed ...string) error {
	from := Status(p.Status)
	if !CanMove(from, to) {
		return apperr.E(apperr.Internal, "payment %s cannot move from %s to %s", p.ID, from, to)
	}
	p.Status, p.UpdatedAt = string(to), s.now()
	if err := update(ctx, tx, p, append([]string{"status", "updated_at"}, changed...)); err != nil {
		return fmt.Errorf("payments: move %s to %s: %w", p.ID, to, err)
	}
	if err := s.reserve(ctx, tx, p, from, to); err != nil {
		return err
	}
	return s.record(ctx, tx, p, from, to, actor, reason)
}

// reserve keeps the scheduled balance: a payment waiting for a later day (SCHEDULED or DELAYED)
// counts its amount and fee there until it runs, fails or is cancelled.
func (s *Service) reserve(ctx context.Context, tx *gorm.DB, p *models.Payment, from, to Status) error {
	waiting := func(st Status) bool { return st == StatusScheduled || st == StatusDelayed }
	total := money.Cents(p.AmountCents + p.FeeCents)
	switch {
	case waiting(to) && !waiting(from):
		return s.ledger.AdjustScheduledTx(ctx, tx, p.AccountID, total)
	case waiting(from) && !waiting(to):
		return s.ledger.AdjustScheduledTx(ctx, tx, p.AccountID, -total)
	}
	return nil
}

// placeholder is a bind variable as gorm writes them for PostgreSQL ($1, $2...), in order.
var placeholder = regexp.MustCompile(`\$[0-9]+`)

// update writes p's columns cols, changing its one row. Under a transaction whose events are
// deferred (events.Defer) the UPDATE goes with them, in their one statement: it saves the round
// trip while the payment's ledger rows are still locked.
func update(ctx context.Context, tx *gorm.DB, p *models.Payment, cols []string) error {
	if pending := events.Deferring(ctx); pending != nil {
		stmt := tx.Session(&gorm.Session{DryRun: true}).Model(p).Select(cols).Updates(p).Statement
		if stmt.Error != nil {
			return stmt.Error
		}
		return pending.Update(ctx, tx, "payment:"+p.ID.String(), placeholder.ReplaceAllString(stmt.SQL.String(), "?"), stmt.Vars...)
	}
	res := tx.Model(p).Select(cols).Updates(p)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("updated %d rows", res.RowsAffected)
	}
	return nil
}
