package events

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Topic is what an event is about.
type Topic string

const (
	TopicPayment Topic = "payment"
	TopicConsent Topic = "consent"
)

// Event is one row of the log.
type Event struct {
	ID         int64      `gorm:"column:id;primaryKey;->"`
	XID        uint64     `gorm:"column:xid;->"`
	Name       string     `gorm:"column:name"`
	Topic      Topic      `gorm:"column:topic"`
	TenantID   *uuid.UUID `gorm:"column:tenant_id;type:uuid"`
	AccountID  *uuid.UUID `gorm:"column:account_id;type:uuid"`
	PaymentID  *uuid.UUID `gorm:"column:payment_id;type:uuid"`
	ConsentID  *uuid.UUID `gorm:"column:consent_id;type:uuid"`
	FromStatus *string    `gorm:"column:from_status"`
	ToStatus   string     `gorm:"column:to_status"`
	OccurredAt time.Time  `gorm:"column:occurred_at"`
}

// TableName is the events table.
func (Event) TableName() string { return "events" }

// Cursor is the position just after an event in commit-safe order.
type Cursor struct {
	XID uint64
	ID  int64
}

// CursorOf is the cursor just after e.
func CursorOf(e *Event) Cursor { return Cursor{XID: e.XID, ID: e.ID} }

// Less orders cursors as the log is read.
func (c Cursor) Less(o Cursor) bool { return c.XID < o.XID || (c.XID == o.XID && c.ID < o.ID) }

// String is the opaque form clients keep and send back as `after`.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte("e1:" + strconv.FormatUint(c.XID, 10) + ":" + strconv.FormatInt(c.ID, 10)))
}

// ParseCursor reads a cursor a client sent back.
func ParseCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.Split(string(raw), ":")
	if err != nil || len(parts) != 3 || parts[0] != "e1" {
		return Cursor{}, fmt.Errorf("not an event cursor")
	}
	x, err1 := strconv.ParseUint(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return Cursor{}, fmt.Errorf("not an event cursor")
	}
	return Cursor{XID: x, ID: id}, nil
}

// Record appends e inside the caller's transaction: the event exists exactly when the change does.
func Record(ctx context.Context, tx *gorm.DB, e *Event) error {
	if e.OccurredAt.IsZero() {
		e.OccurredAt = time.Now().UTC()
	}
	return tx.WithContext(ctx).Omit("id", "xid").Create(e).Error
}

// ReadAfter returns up to limit events after c that no running transaction can still precede,
// in (xid, id) order.
func ReadAfter(ctx context.Context, db *gorm.DB, c Cursor, limit int) ([]Event, error) {
	var out []Event
	err := db.WithContext(ctx).Raw(`SELECT id, xid::text::numeric::bigint AS xid, name, topic, tenant_id, account_id, payment_id, consent_id,
			from_status, to_status, occurred_at
		FROM events
		WHERE (xid, id) > (?::text::xid8, ?) AND xid < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY xid, id LIMIT ?`, strconv.FormatUint(c.XID, 10), c.ID, limit).Scan(&out).Error
	return out, err
}

// Head is the cursor after the newest commit-safe event (zero when there is none).
func Head(ctx context.Context, db *gorm.DB) (Cursor, error) {
	var row struct {
		XID uint64
		ID  int64
	}
	err := db.WithContext(ctx).Raw(`SELECT xid::text::numeric::bigint AS xid, id FROM events
		WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY xid DESC, id DESC LIMIT 1`).Scan(&row).Error
	return Cursor{XID: row.XID, ID: row.ID}, err
}
