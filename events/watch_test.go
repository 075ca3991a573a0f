package events_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
)

// TestATenantsWatchersHearOfItsConsentsAtOnce: a watcher hears of its tenant's consent and tenant
// events straight from the notification, even while a running transaction holds the log's
// commit-safe order back; never of payments or of other tenants.
func TestATenantsWatchersHearOfItsConsentsAtOnce(t *testing.T) {
	db, hub := runHub(t)

	mine, theirs := uuid.New(), uuid.New()
	heard := make(chan *events.Event, 10)
	stop := hub.WatchTenant(mine, func(e *events.Event) { heard <- e })
	defer stop()
	// A transaction that stays open holds every later event back from ReadAfter.
	late := db.Begin()
	defer late.Rollback()
	if err := late.Exec("SELECT pg_current_xact_id()").Error; err != nil {
		t.Fatal(err)
	}
	// The hub may not be LISTENing yet: record until the watcher hears (no event is lost for the
	// log's readers either way).
	deadline := time.Now().Add(10 * time.Second)
	for {
		commit(t, db, &events.Event{Name: "cash_out_payment_created", Topic: events.TopicPayment, TenantID: &mine, ToStatus: "CREATED", Actor: "system"})
		commit(t, db, &events.Event{Name: "consent_revoked", Topic: events.TopicConsent, TenantID: &theirs, ToStatus: "REVOKED", Actor: "system"})
		commit(t, db, &events.Event{Name: "consent_revoked", Topic: events.TopicConsent, TenantID: &mine, ToStatus: "REVOKED", Actor: "system"})
		select {
		case e := <-heard:
			if e.Topic != events.TopicConsent || e.TenantID == nil || *e.TenantID != mine {
				t.Fatalf("heard %+v", e)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the watcher never heard of its tenant's consent")
		}
	}
}

func commit(t *testing.T, db *gorm.DB, e *events.Event) {
	t.Helper()
	if err := db.Transaction(func(tx *gorm.DB) error { return events.Record(context.Background(), tx, e) }); err != nil {
		t.Fatal(err)
	}
}
