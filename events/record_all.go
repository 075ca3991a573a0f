package events

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/reqid"
)

// recordBatch is how many events one INSERT statement of RecordAll carries.
const recordBatch = 500

// RecordAll is Record for many events of one transaction (a payroll's salaries, created
// together): the same rules for each, in a few multi-row INSERTs instead of one per event.
func RecordAll(ctx context.Context, tx *gorm.DB, evs []*Event) error {
	if len(evs) == 0 {
		return nil
	}
	id := reqid.From(ctx)
	for _, e := range evs {
		if e.Actor == "" {
			return fmt.Errorf("events: %s for %s has no actor", e.Name, e.Topic)
		}
		if e.RequestID == nil && id != "" {
			e.RequestID = &id
		}
		if e.OccurredAt.IsZero() {
			return fmt.Errorf("events: %s for %s has no time", e.Name, e.Topic)
		}
	}
	return tx.WithContext(ctx).Omit("id", "xid").CreateInBatches(evs, recordBatch).Error
}
