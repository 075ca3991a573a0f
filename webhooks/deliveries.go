package webhooks

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// DeliveryStatus is where a delivery stands.
type DeliveryStatus = models.WebhookDeliveryStatus

const (
	// StatusPending: not delivered yet; NextAttemptAt says when it is tried (again).
	StatusPending DeliveryStatus = "PENDING"
	// StatusSucceeded: the endpoint answered 2xx.
	StatusSucceeded DeliveryStatus = "SUCCEEDED"
	// StatusFailed: given up after the last attempt (or the endpoint was deleted); Redeliver
	// tries again.
	StatusFailed DeliveryStatus = "FAILED"
)

// Delivery is one event sent (or being sent) to one endpoint: its webhook_deliveries row.
type Delivery struct {
	models.WebhookDelivery
}

// MessageID is the webhook-id the endpoint sees for this delivery.
func (d *Delivery) MessageID() string { return MessageID(d.EventID) }

// Attempt is one HTTP attempt of a delivery.
type Attempt = models.WebhookAttempt

// DeliveryFilter narrows Deliveries; zero fields do not filter.
type DeliveryFilter struct {
	EndpointID *uuid.UUID
	EventID    *int64 // see ParseMessageID
	Status     *DeliveryStatus
}

// DeliveryPage is one page of a tenant's deliveries, newest first.
type DeliveryPage struct {
	Deliveries []*Delivery
	HasNext    bool
}

// DeliveryCursor is the keyset cursor just after d.
func DeliveryCursor(d *Delivery) paging.Cursor { return paging.Cursor{At: d.CreatedAt, ID: d.ID} }

// Deliveries returns a page of the tenant's delivery log, newest first. A filter on another
// tenant's endpoint finds nothing. Errors: INVALID for an unknown status.
func (s *Service) Deliveries(ctx context.Context, tenantID uuid.UUID, f DeliveryFilter, p paging.Page) (*DeliveryPage, error) {
	q, err := s.deliveries(ctx, tenantID, f)
	if err != nil {
		return nil, err
	}
	if p.After != nil {
		q = q.Where("(created_at, id) < (?, ?)", p.After.At, p.After.ID)
	}
	p.First = max(p.First, 0)
	var rows []*Delivery
	if err := q.Order("created_at DESC, id DESC").Limit(p.First + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	page := &DeliveryPage{Deliveries: rows}
	if len(rows) > p.First {
		page.Deliveries, page.HasNext = rows[:p.First], true
	}
	return page, nil
}

// CountDeliveries is how many deliveries Deliveries returns over all its pages: a connection's
// totalCount. Errors: as Deliveries.
func (s *Service) CountDeliveries(ctx context.Context, tenantID uuid.UUID, f DeliveryFilter) (int, error) {
	q, err := s.deliveries(ctx, tenantID, f)
	if err != nil {
		return 0, err
	}
	var n int64
	err = q.Model(&Delivery{}).Count(&n).Error
	return int(n), err
}

// deliveries selects the tenant's deliveries that f lets through.
func (s *Service) deliveries(ctx context.Context, tenantID uuid.UUID, f DeliveryFilter) (*gorm.DB, error) {
	q := s.db.WithContext(ctx).Where("tenant_id = ?", tenantID)
	if f.EndpointID != nil {
		q = q.Where("endpoint_id = ?", *f.EndpointID)
	}
	if f.EventID != nil {
		q = q.Where("event_id = ?", *f.EventID)
	}
	if f.Status != nil {
		switch *f.Status {
		case StatusPending, StatusSucceeded, StatusFailed:
		default:
			return nil, apperr.Field(apperr.Invalid, []string{"status"}, "status must be PENDING, SUCCEEDED or FAILED")
		}
		q = q.Where("status = ?", *f.Status)
	}
	return q, nil
}

// Delivery returns one of the tenant's deliveries. Errors: NOT_FOUND (also for another tenant's).
func (s *Service) Delivery(ctx context.Context, tenantID, id uuid.UUID) (*Delivery, error) {
	return findDelivery(s.db.WithContext(ctx), tenantID, id, false)
}

// Attempts returns the HTTP attempts of one of the tenant's deliveries, oldest first.
// Errors: NOT_FOUND (also for another tenant's delivery).
func (s *Service) Attempts(ctx context.Context, tenantID, deliveryID uuid.UUID) ([]Attempt, error) {
	db := s.db.WithContext(ctx)
	if _, err := findDelivery(db, tenantID, deliveryID, false); err != nil {
		return nil, err
	}
	var out []Attempt
	err := db.Where("delivery_id = ?", deliveryID).Order("attempt").Find(&out).Error
	return out, err
}

// Redeliver sends one of the tenant's deliveries again, now, with the same webhook-id and body,
// whatever its status: a SUCCEEDED one is sent once more, a FAILED one gets a new full schedule of
// attempts, a PENDING one is tried now instead of at its next attempt. The delivery becomes
// PENDING. Errors: NOT_FOUND (also for another tenant's delivery); INVALID_STATE when its
// endpoint was deleted.
func (s *Service) Redeliver(ctx context.Context, tenantID, deliveryID uuid.UUID) (*Delivery, error) {
	var out *Delivery
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := findDelivery(tx, tenantID, deliveryID, true)
		if err != nil {
			return err
		}
		var live int64
		if err := tx.Model(&models.WebhookEndpoint{}).Where("id = ? AND disabled_at IS NULL", d.EndpointID).Count(&live).Error; err != nil {
			return err
		}
		if live == 0 {
			return apperr.E(apperr.InvalidState, "the delivery's endpoint was deleted")
		}
		now := s.now()
		var gen int
		err = tx.Raw(`UPDATE webhook_deliveries SET status = ?, generation = generation + 1, next_attempt_at = ?, updated_at = ?
			WHERE id = ? RETURNING generation`, StatusPending, now, now, d.ID).Scan(&gen).Error
		if err != nil {
			return err
		}
		d.Status, d.NextAttemptAt, d.UpdatedAt = StatusPending, &now, now
		opts := s.deliverOpts()
		if err := s.insert(ctx, tx, DeliverArgs{DeliveryID: d.ID, Generation: gen}, &opts); err != nil {
			return err
		}
		out = d
		return nil
	})
	return out, err
}

func findDelivery(tx *gorm.DB, tenantID, id uuid.UUID, lock bool) (*Delivery, error) {
	q := tx.Where("id = ? AND tenant_id = ?", id, tenantID)
	if lock {
		q = q.Clauses(forUpdate)
	}
	var d Delivery
	err := q.Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.Field(apperr.NotFound, []string{"id"}, "no webhook delivery with this id")
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}
