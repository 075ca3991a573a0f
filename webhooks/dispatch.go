package webhooks

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
)

// DispatchArgs is the periodic job that runs Dispatch.
type DispatchArgs struct{}

// Kind names the job in River's table.
func (DispatchArgs) Kind() string { return "webhook_dispatch" }

// dispatchOpts: one try (the next tick is the retry), and at most one dispatch job waiting or
// running at a time, so that a busy queue never piles them up.
func (s *Service) dispatchOpts() river.InsertOpts {
	return river.InsertOpts{Queue: s.cfg.DispatchQueue, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

type dispatchWorker struct {
	river.WorkerDefaults[DispatchArgs]
	s *Service
}

func (w *dispatchWorker) Work(ctx context.Context, _ *river.Job[DispatchArgs]) error {
	_, err := w.s.Dispatch(ctx)
	return err
}

// Dispatch turns the events after the dispatch cursor into deliveries and returns how many it
// made. Each batch is one transaction that locks the cursor row, reads the next commit-safe events
// (events.ReadAfter), inserts for each event one webhook_deliveries row and one delivery job per
// live endpoint of the event's tenant whose filter takes it, and moves the cursor past the batch.
// An event of an account the tenant no longer reaches (withheld) and a log entry that is no
// webhook event (a tenant's own status change) become no delivery. A statement entry names no
// tenant: it goes to every tenant that reaches its account with statement:read (entryRecipients).
// If another dispatcher holds the cursor, Dispatch returns at once: that one takes the events.
//
// Safe to call at any time from any replica (the periodic job calls it every second); the server
// may also call it when the events hub wakes, to deliver sooner.
//
// A backlog is worked in batches for at most dispatchBudget per call, well inside a job's timeout;
// the next call goes on from the cursor.
func (s *Service) Dispatch(ctx context.Context) (int, error) {
	total, start := 0, time.Now()
	for {
		n, more, err := s.dispatchBatch(ctx)
		total += n
		if err != nil {
			return total, fmt.Errorf("webhooks: dispatch: %w", err)
		}
		if !more || time.Since(start) > dispatchBudget {
			return total, nil
		}
	}
}

// dispatchBudget bounds one Dispatch call.
const dispatchBudget = 5 * time.Second

func (s *Service) dispatchBatch(ctx context.Context) (made int, more bool, err error) {
	// Look first without locking: an idle tick then takes no transaction id and writes nothing
	// (locking a row writes it). Whoever then locks the cursor reads it again.
	c, _, err := readCursor(s.db.WithContext(ctx), "")
	if err != nil {
		return 0, false, err
	}
	if evs, err := events.ReadAfter(ctx, s.db, c, 1); err != nil || len(evs) == 0 {
		return 0, false, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// SKIP LOCKED: a second dispatcher does not queue behind the first (holding a worker and a
		// connection); the first one, or the next tick, takes whatever it would have.
		c, locked, err := readCursor(tx, "FOR UPDATE SKIP LOCKED")
		if err != nil || !locked {
			return err
		}
		evs, err := events.ReadAfter(ctx, tx, c, s.cfg.BatchSize)
		if err != nil || len(evs) == 0 {
			return err
		}
		now := s.now()
		recipients, err := entryRecipients(ctx, tx, evs, now)
		if err != nil {
			return err
		}
		endpoints, err := liveEndpoints(ctx, tx, evs, recipients)
		if err != nil {
			return err
		}
		held, err := withheld(ctx, tx, evs, func(t uuid.UUID) bool { return len(endpoints[t]) > 0 }, now)
		if err != nil {
			return err
		}
		var tenants, endpointIDs, names models.Array[string]
		var eventIDs models.Array[int64]
		for i := range evs {
			e := &evs[i]
			if !IsEventName(e.Name) || held[e.ID] {
				continue
			}
			to := recipients[e.ID]
			if e.TenantID != nil {
				to = []uuid.UUID{*e.TenantID}
			}
			for _, t := range to {
				for _, ep := range endpoints[t] {
					if wants(ep.EventNames, e.Name) {
						tenants, endpointIDs = append(tenants, ep.TenantID.String()), append(endpointIDs, ep.ID.String())
						eventIDs, names = append(eventIDs, e.ID), append(names, e.Name)
					}
				}
			}
		}
		if len(eventIDs) > 0 {
			// The unique key refuses what was dispatched already (a cursor moved back by hand):
			// only new rows come back, and only they get a job.
			var ids []struct{ ID uuid.UUID }
			err := tx.Raw(`INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, event_name, next_attempt_at, created_at, updated_at)
				SELECT t, ep, ev, name, ?, ?, ? FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::text[]) AS d(t, ep, ev, name)
				ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
				now, now, now, tenants, endpointIDs, eventIDs, names).Scan(&ids).Error
			if err != nil {
				return err
			}
			opts := s.deliverOpts()
			for _, d := range ids {
				if err := s.insert(ctx, tx, DeliverArgs{DeliveryID: d.ID, Generation: 1}, &opts); err != nil {
					return err
				}
			}
			made = len(ids)
		}
		last := events.CursorOf(&evs[len(evs)-1])
		if err := tx.Exec("UPDATE webhook_dispatch_cursor SET xid = ?::text::xid8, event_id = ?, updated_at = ?",
			strconv.FormatUint(last.XID, 10), last.ID, now).Error; err != nil {
			return err
		}
		more = len(evs) == s.cfg.BatchSize
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return made, more, nil
}

// readCursor reads the dispatch cursor; found is false when lock skipped it.
func readCursor(db *gorm.DB, lock string) (c events.Cursor, found bool, err error) {
	var rows []models.WebhookDispatchCursor
	if err := db.Raw("SELECT xid::text::numeric::bigint AS xid, event_id FROM webhook_dispatch_cursor " + lock).Scan(&rows).Error; err != nil {
		return c, false, err
	}
	if len(rows) == 0 {
		return c, false, nil
	}
	return events.Cursor{XID: rows[0].XID, ID: rows[0].EventID}, true, nil
}

// liveEndpoints returns the live endpoints of the events' tenants and of the statement entries'
// recipients, by tenant, oldest first: their ids and filters only. A disabled tenant has none:
// auth, which owns tenants, says which are enabled.
func liveEndpoints(ctx context.Context, tx *gorm.DB, evs []events.Event, recipients map[int64][]uuid.UUID) (map[uuid.UUID][]endpointRow, error) {
	seen := map[uuid.UUID]bool{}
	var tenants []uuid.UUID
	add := func(t uuid.UUID) {
		if !seen[t] {
			seen[t] = true
			tenants = append(tenants, t)
		}
	}
	for i := range evs {
		if t := evs[i].TenantID; t != nil {
			add(*t)
		}
		for _, t := range recipients[evs[i].ID] {
			add(t)
		}
	}
	out := map[uuid.UUID][]endpointRow{}
	if len(tenants) == 0 {
		return out, nil
	}
	var rows []endpointRow
	err := tx.Select("id", "tenant_id", "event_names").Where("tenant_id IN ? AND disabled_at IS NULL", tenants).
		Order("created_at, id").Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return out, err
	}
	enabled, err := auth.EnabledTenants(ctx, tx, tenants)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if enabled[r.TenantID] {
			out[r.TenantID] = append(out[r.TenantID], r)
		}
	}
	return out, nil
}

// withheld returns the ids of the events of evs that their tenant may no longer hear of: an event
// of an account's payments or contacts whose tenant (one interested, or any when interested is nil) neither owns
// the account nor holds a live consent on it any more (auth.TenantReaches, at now). So nothing of an account reaches a
// tenant once its consent is revoked or expired, with one exception: the cancellation of the
// tenant's own payment because that consent ended (endedWithConsent). The tenant created that
// payment and must learn it will not run; the event says only that. A consent's own events
// always reach its tenant: they tell it the consent ended.
func withheld(ctx context.Context, db *gorm.DB, evs []events.Event, interested func(tenant uuid.UUID) bool, now time.Time) (map[int64]bool, error) {
	byTenant := map[uuid.UUID][]uuid.UUID{}
	for i := range evs {
		if e := &evs[i]; ofAccount(e) && (interested == nil || interested(*e.TenantID)) && !slices.Contains(byTenant[*e.TenantID], *e.AccountID) {
			byTenant[*e.TenantID] = append(byTenant[*e.TenantID], *e.AccountID)
		}
	}
	out := map[int64]bool{}
	for tenant, accounts := range byTenant {
		reached, err := auth.TenantReaches(ctx, db, tenant, "", accounts, now)
		if err != nil {
			return nil, err
		}
		for i := range evs {
			if e := &evs[i]; ofAccount(e) && *e.TenantID == tenant && !reached[*e.AccountID] && !endedWithConsent(e) {
				out[e.ID] = true
			}
		}
	}
	return out, nil
}

// consentEndReasons are the reasons payments.StopForEndedConsent cancels a payment with
// (payments.ReasonConsentRevoked, payments.ReasonConsentExpired).
var consentEndReasons = []string{"consent_revoked", "consent_expired"}

// endedWithConsent reports whether e is the cancellation of the tenant's own payment because the
// consent it was created under ended: news for the tenant even though it no longer reaches the account.
func endedWithConsent(e *events.Event) bool {
	return e.Topic == events.TopicPayment && e.PaymentID != nil && e.ToStatus == "CANCELLED" && e.Reason != nil &&
		slices.Contains(consentEndReasons, *e.Reason)
}

// ofAccount reports whether e tells its tenant of an account's payments, contacts, boletos or payrolls.
func ofAccount(e *events.Event) bool {
	return (e.Topic == events.TopicPayment || e.Topic == events.TopicContact || e.Topic == events.TopicBoleto || e.Topic == events.TopicPayroll) && e.TenantID != nil && e.AccountID != nil
}

// entryRecipients returns, by event id, the tenants each statement-entry event of evs goes to:
// those that reach its account with statement:read at now (auth.TenantsReaching), as they would
// read the entry in the account's statement.
func entryRecipients(ctx context.Context, db *gorm.DB, evs []events.Event, now time.Time) (map[int64][]uuid.UUID, error) {
	var accounts []uuid.UUID
	for i := range evs {
		if e := &evs[i]; ofEntry(e) && !slices.Contains(accounts, *e.AccountID) {
			accounts = append(accounts, *e.AccountID)
		}
	}
	out := map[int64][]uuid.UUID{}
	if len(accounts) == 0 {
		return out, nil
	}
	reaching, err := auth.TenantsReaching(ctx, db, auth.ScopeStatementRead, accounts, now)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		if e := &evs[i]; ofEntry(e) {
			out[e.ID] = reaching[*e.AccountID]
		}
	}
	return out, nil
}

// ofEntry reports whether e is a statement entry on an account (it names no tenant).
func ofEntry(e *events.Event) bool {
	return e.Topic == events.TopicStatementEntry && e.TenantID == nil && e.AccountID != nil
}
