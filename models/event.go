package models

import (
	"time"

	"github.com/google/uuid"
)

// EventTopic is what an event is about (the events.topic CHECK).
type EventTopic string

const (
	EventTopicPayment EventTopic = "payment"
	EventTopicConsent EventTopic = "consent"
	EventTopicTenant  EventTopic = "tenant"  // a tenant disabled or enabled again (written by a trigger on tenants)
	EventTopicContact EventTopic = "contact" // a contact created, changed or deleted
	// EventTopicStatementEntry is an entry the ledger wrote on a customer account (cash-in and
	// every other entry); it names no tenant: it concerns every tenant that reaches the account.
	EventTopicStatementEntry EventTopic = "statement_entry"
	EventTopicBoleto         EventTopic = "boleto"  // a boleto's status change (banking/boletos)
	EventTopicPayroll        EventTopic = "payroll" // a payroll's own status change (its salaries are payment events)
)

// Event is one row of the append-only event log: a status change of a payment or a consent, who
// made it, why, and the request behind it. ID and XID are the database's (read only); (XID, ID) is
// the log's commit-safe reading order.
type Event struct {
	ID         int64      `gorm:"column:id;primaryKey;->"`
	XID        uint64     `gorm:"column:xid;->"`
	Name       string     `gorm:"column:name"` // e.g. cash_out_internal_transfer_approved, consent_authorised
	Topic      EventTopic `gorm:"column:topic"`
	TenantID   *uuid.UUID `gorm:"column:tenant_id;type:uuid"` // the tenant the event concerns
	AccountID  *uuid.UUID `gorm:"column:account_id;type:uuid"`
	PaymentID  *uuid.UUID `gorm:"column:payment_id;type:uuid"`
	ConsentID  *uuid.UUID `gorm:"column:consent_id;type:uuid"`
	ContactID  *uuid.UUID `gorm:"column:contact_id;type:uuid"`
	BoletoID   *uuid.UUID `gorm:"column:boleto_id;type:uuid"`
	PayrollID  *uuid.UUID `gorm:"column:payroll_id;type:uuid"`
	FromStatus *string    `gorm:"column:from_status"` // nil when created
	ToStatus   string     `gorm:"column:to_status"`
	Actor      string     `gorm:"column:actor"`      // who: "system", "tenant:<client id>", "holder:<document>"...
	Reason     *string    `gorm:"column:reason"`     // why, when one was given
	RequestID  *string    `gorm:"column:request_id"` // the HTTP request behind it; nil for background work
	OccurredAt time.Time  `gorm:"column:occurred_at"`
	EntryID    *uuid.UUID `gorm:"column:entry_id;type:uuid"` // the ledger entry of a statement_entry event
	Detail     []byte     `gorm:"column:detail;type:jsonb"`  // what a statement_entry event's entry says (events.EntryDetail)
}

// TableName is the events table.
func (Event) TableName() string { return "events" }
