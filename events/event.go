package events

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
)

// Topic is what an event is about.
type Topic = models.EventTopic

const (
	TopicPayment = models.EventTopicPayment
	TopicConsent = models.EventTopicConsent
	TopicPayroll = models.EventTopicPayroll
	TopicTenant  = models.EventTopicTenant
	TopicContact = models.EventTopicContact
	// TopicStatementEntry: an entry on a customer account (RecordEntries).
	TopicStatementEntry = models.EventTopicStatementEntry
	TopicBoleto         = models.EventTopicBoleto
)

// Event is one row of the log (models.Event): what changed, who changed it, why, and the request
// behind it.
type Event = models.Event

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
	// Only the spelling String gives: base64 skips new lines and ignores stray trailing bits, and
	// the numbers may carry a sign or leading zeros.
	c := Cursor{XID: x, ID: id}
	if err1 != nil || err2 != nil || c.String() != s {
		return Cursor{}, fmt.Errorf("not an event cursor")
	}
	return c, nil
}

// Record appends e inside the caller's transaction: the event exists exactly when the change does.
// e.Actor is required; e.RequestID, when nil, is the id of the request behind ctx (reqid), and
// e.OccurredAt, when zero, is now.
func Record(ctx context.Context, tx *gorm.DB, e *Event) error {
	if err := prepare(e, requestOf(ctx), time.Now().UTC()); err != nil {
		return err
	}
	if p := pendingFrom(ctx); p != nil {
		p.evs = append(p.evs, *e)
		return nil
	}
	omit := []string{"id", "xid"}
	if e.Detail == nil { // a nil []byte would be sent as an empty string, which is no JSON
		omit = append(omit, "detail")
	}
	return tx.WithContext(ctx).Omit(omit...).Create(e).Error
}

// columns are the events columns every reader returns, xid as a number.
const columns = `id, xid::text::numeric::bigint AS xid, name, topic, tenant_id, account_id, payment_id, consent_id, contact_id, boleto_id, payroll_id,
	from_status, to_status, actor, reason, request_id, occurred_at, entry_id, detail`

// ReadAfter returns up to limit events after c that no running transaction can still precede,
// in (xid, id) order. It is the one way to read the log in order: the hub, subscriptions replaying
// from a cursor (Follow) and the webhook dispatcher all read through it.
func ReadAfter(ctx context.Context, db *gorm.DB, c Cursor, limit int) ([]Event, error) {
	var out []Event
	// ORDER BY names the table's columns: bare xid would be the computed xid of the select list,
	// which no index serves (every event after the cursor would be fetched and sorted).
	err := db.WithContext(ctx).Raw(`SELECT `+columns+`
		FROM events
		WHERE (xid, id) > (?::text::xid8, ?) AND xid < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY events.xid, events.id LIMIT ?`, strconv.FormatUint(c.XID, 10), c.ID, limit).Find(&out).Error
	return out, err
}

// Find returns the event with id, or nil when there is none (a webhook delivery reads its event).
func Find(ctx context.Context, db *gorm.DB, id int64) (*Event, error) {
	var out []Event
	if err := db.WithContext(ctx).Raw(`SELECT `+columns+` FROM events WHERE id = ?`, id).Find(&out).Error; err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return &out[0], nil
}

// Head is the cursor after the newest commit-safe event (zero when there is none).
func Head(ctx context.Context, db *gorm.DB) (Cursor, error) {
	var row struct {
		XID uint64
		ID  int64
	}
	err := db.WithContext(ctx).Raw(`SELECT xid::text::numeric::bigint AS xid, id FROM events
		WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY events.xid DESC, events.id DESC LIMIT 1`).Find(&row).Error
	return Cursor{XID: row.XID, ID: row.ID}, err
}
