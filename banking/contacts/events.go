package contacts

import (
	"context"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
)

// Event names of contact changes in the log.
const (
	EventCreated = "contact_created"
	EventUpdated = "contact_updated"
	EventDeleted = "contact_deleted"
)

// record appends a contact change to the event log in tx: a contact is ACTIVE from its creation
// until it is DELETED.
func (s *Service) record(ctx context.Context, tx *gorm.DB, by By, c *models.Contact, name string, reason *string) error {
	ev := &events.Event{Name: name, Topic: events.TopicContact, TenantID: by.TenantID, AccountID: &c.AccountID, ContactID: &c.ID,
		ToStatus: "ACTIVE", Actor: by.Actor, Reason: reason, OccurredAt: s.now()}
	active := "ACTIVE"
	switch name {
	case EventUpdated:
		ev.FromStatus = &active
	case EventDeleted:
		ev.FromStatus, ev.ToStatus = &active, "DELETED"
	}
	return events.Record(ctx, tx, ev)
}
