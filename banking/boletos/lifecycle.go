package boletos

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
)

// transitions is the status machine (Stone's): a boleto is paid while CREATED or REGISTERED
// (paid at Ponte it settles at once, registered or not); the registry answers a cancellation.
var transitions = map[Status][]Status{
	StatusCreated:               {StatusRegistered, StatusSettled, StatusExpired, StatusCancellationRequested},
	StatusRegistered:            {StatusSettled, StatusExpired, StatusCancellationRequested},
	StatusCancellationRequested: {StatusCancelled},
}

// CanMove reports whether the machine allows from → to.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// payable reports whether a boleto in status st may still be paid.
func payable(st Status) bool { return st == StatusCreated || st == StatusRegistered }

// EventName is the event's name as Stone's webhooks spell it: barcode_payment_invoice_<status>
// (created, registered, settled, expired, cancelled; and cancellation_requested, which Stone does
// not send and Ponte only logs).
func EventName(to Status) string { return "barcode_payment_invoice_" + strings.ToLower(string(to)) }

// record appends a boleto event to the event log in tx, for the tenant that issued it.
func (s *Service) record(ctx context.Context, tx *gorm.DB, b *models.Boleto, from, to Status, actor string, reason *string) error {
	ev := &events.Event{Name: EventName(to), Topic: events.TopicBoleto, TenantID: b.TenantID, AccountID: &b.AccountID,
		BoletoID: &b.ID, ToStatus: string(to), Actor: actor, Reason: reason, OccurredAt: s.now()}
	if from != "" {
		f := string(from)
		ev.FromStatus = &f
	}
	return events.Record(ctx, tx, ev)
}

// move changes b's status in tx, with its event; the caller holds b's row lock. It is the one
// place a stored boleto's status changes, and it enforces the machine. It writes status and
// updated_at, and of the other columns those named in changed.
func (s *Service) move(ctx context.Context, tx *gorm.DB, b *models.Boleto, to Status, actor string, reason *string, changed ...string) error {
	from := Status(b.Status)
	if !CanMove(from, to) {
		return apperr.E(apperr.Internal, "boleto %s cannot move from %s to %s", b.ID, from, to)
	}
	b.Status, b.UpdatedAt = string(to), s.now()
	res := tx.Model(b).Select(append([]string{"status", "updated_at"}, changed...)).Updates(b)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("boletos: move %s to %s updated %d rows", b.ID, to, res.RowsAffected)
	}
	return s.record(ctx, tx, b, from, to, actor, reason)
}

// lock reads a boleto FOR UPDATE. Errors: NOT_FOUND.
func lock(tx *gorm.DB, id uuid.UUID) (*models.Boleto, error) {
	var b models.Boleto
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no boleto with this id")
	}
	return &b, err
}

// Answer is the registry's answer, run by the job Issue and Cancel queue: a CREATED boleto
// becomes REGISTERED, one whose cancellation was requested CANCELLED. Anything else (settled
// meanwhile, already answered) is left alone, so running it twice is harmless.
func (s *Service) Answer(ctx context.Context, id uuid.UUID) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := lock(tx, id)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		switch Status(b.Status) {
		case StatusCreated:
			b.RegisteredAt = &now
			return s.move(ctx, tx, b, StatusRegistered, "registry", nil, "registered_at")
		case StatusCancellationRequested:
			b.CancelledAt = &now
			return s.move(ctx, tx, b, StatusCancelled, "registry", nil, "cancelled_at")
		}
		return nil
	})
}

// Cancel asks the registry to cancel a boleto: CREATED or REGISTERED → CANCELLATION_REQUESTED,
// and CANCELLED when the registry answers. Never once SETTLED (or expired, or cancelled), nor
// while a payment of it is in flight: a Ponte payment not yet run, or a payment at another bank
// awaiting its credit. Errors: NOT_FOUND, INVALID_STATE (field boletoId).
func (s *Service) Cancel(ctx context.Context, id uuid.UUID, actor string) (*models.Boleto, error) {
	var out *models.Boleto
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b, err := lock(tx, id)
		if err != nil {
			return err
		}
		if !payable(Status(b.Status)) {
			return apperr.Field(apperr.InvalidState, []string{"boletoId"}, "a %s boleto cannot be cancelled", b.Status)
		}
		inFlight, err := paymentInFlight(tx, b)
		if err != nil {
			return err
		}
		if inFlight || b.PaidAt != nil {
			return apperr.Field(apperr.InvalidState, []string{"boletoId"}, "a payment of this boleto is in flight: it cannot be cancelled")
		}
		if err := s.move(ctx, tx, b, StatusCancellationRequested, actor, nil); err != nil {
			return err
		}
		out = b
		return s.runner.RegisterTx(tx, b.ID, s.cfg.RegisterDelay)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// paymentInFlight reports whether a Ponte payment of b has been created and not yet run, failed or
// been cancelled (the payments table, read by the barcode it pays).
func paymentInFlight(tx *gorm.DB, b *models.Boleto) (bool, error) {
	var n int64
	err := tx.Raw(`SELECT count(*) FROM payments WHERE kind = 'BOLETO' AND target ->> 'barcode' = ?
		AND status IN ('CREATED', 'APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY')`, b.Barcode).Scan(&n).Error
	return n > 0, err
}

// ExpireDue writes off the boletos still unpaid writeOffDays after their limit date (EXPIRED),
// a batch at a time; the periodic sweep runs it. A boleto paid at another bank and awaiting its
// credit is left to the credit.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	cutoff := s.today().AddDays(-writeOffDays)
	changed := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var due []models.Boleto
		err := tx.Raw(`SELECT * FROM boletos WHERE status IN ('CREATED', 'REGISTERED') AND limit_date <= ? AND paid_at IS NULL
			ORDER BY limit_date, id LIMIT 200 FOR UPDATE SKIP LOCKED`, cutoff.Time()).Scan(&due).Error
		if err != nil {
			return err
		}
		now := s.now()
		for i := range due {
			due[i].ExpiredAt = &now
			if err := s.move(ctx, tx, &due[i], StatusExpired, "system", nil, "expired_at"); err != nil {
				return err
			}
		}
		changed = len(due)
		return nil
	})
	return changed, err
}
