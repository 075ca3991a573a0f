package webhooks_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/paging"
	"github.com/ponte-bff/ponte/webhooks"
)

func pageOf(n int) paging.Page { return paging.Page{First: n} }

func TestAReceiverThatFailsThreeTimesGetsTheEventOnTheFourthAttemptWithTheSameID(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	ctx := context.Background()
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 3)
	ep, secret, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "ERP back end", nil)
	if err != nil {
		t.Fatal(err)
	}

	ev := e.paymentEvent(tenant, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	d := e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusSucceeded)

	got := rcv.requests()
	if len(got) != 4 {
		t.Fatalf("receiver got %d requests, want 4 (3 failures, then the success)", len(got))
	}
	wantID := webhooks.MessageID(ev.ID)
	for i, r := range got {
		if id := r.Header.Get(webhooks.HeaderID); id != wantID {
			t.Errorf("request %d: webhook-id %q, want %q", i+1, id, wantID)
		}
		if err := webhooks.Verify(secret, r.Header, r.Body); err != nil {
			t.Errorf("request %d does not verify with the endpoint's secret: %v", i+1, err)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("request %d: content-type %q", i+1, ct)
		}
		if !bytes.Equal(r.Body, got[0].Body) {
			t.Errorf("request %d: body changed across retries", i+1)
		}
	}
	p := decode(t, got[3].Body)
	if p.ID != wantID || p.Type != "cash_out_internal_transfer_approved" || !p.Timestamp.Equal(ev.OccurredAt) {
		t.Errorf("payload %+v", p)
	}
	if p.Data.PaymentID != globalid.Encode(globalid.Payment, *ev.PaymentID) || p.Data.AccountID == nil ||
		*p.Data.AccountID != globalid.Encode(globalid.Account, *ev.AccountID) || p.Data.ConsentID != "" {
		t.Errorf("payload ids %+v", p.Data)
	}
	if p.Data.Status != "APPROVED" || p.Data.PreviousStatus == nil || *p.Data.PreviousStatus != "CREATED" || !p.Data.OccurredAt.Equal(ev.OccurredAt) {
		t.Errorf("payload data %+v", p.Data)
	}

	if d.Attempts != 4 || d.NextAttemptAt != nil || d.LastStatusCode == nil || *d.LastStatusCode != 204 || d.LastError != nil {
		t.Errorf("delivery %+v", d)
	}
	attempts, err := svc.Attempts(ctx, tenant, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	for i, a := range attempts {
		if a.Attempt != i+1 || a.StatusCode == nil {
			t.Fatalf("attempt log %+v", attempts)
		}
		codes = append(codes, *a.StatusCode)
	}
	if !slices.Equal(codes, []int{500, 500, 500, 204}) {
		t.Errorf("attempt log codes %v", codes)
	}
	if attempts[0].Error == nil || attempts[3].Error != nil {
		t.Errorf("attempt errors: first %v, last %v", attempts[0].Error, attempts[3].Error)
	}
	if err := e.db.Exec("DELETE FROM webhook_attempts").Error; err == nil {
		t.Error("the attempt log accepted a DELETE")
	}
}

func TestAnEventOfOneTenantNeverReachesAnotherTenantsEndpoint(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	ctx := context.Background()
	a, b := e.tenant("erp-a"), e.tenant("erp-b")
	ra, rb := newReceiver(t, 0), newReceiver(t, 0)
	epA, _, err := svc.CreateEndpoint(ctx, a, ra.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	epB, _, err := svc.CreateEndpoint(ctx, b, rb.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}

	evA := e.paymentEvent(a, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	evB := e.paymentEvent(b, "cash_out_external_transfer_finished", "APPROVED", "FINISHED")
	e.waitDelivery(svc, a, epA.ID, evA, webhooks.StatusSucceeded)
	e.waitDelivery(svc, b, epB.ID, evB, webhooks.StatusSucceeded)

	if got := ra.accepted(); len(got) != 1 || got[webhooks.MessageID(evA.ID)] != 1 {
		t.Errorf("tenant A's endpoint got %v", got)
	}
	if got := rb.accepted(); len(got) != 1 || got[webhooks.MessageID(evB.ID)] != 1 {
		t.Errorf("tenant B's endpoint got %v", got)
	}
	pageB, err := svc.Deliveries(ctx, b, webhooks.DeliveryFilter{}, pageOf(10))
	if err != nil {
		t.Fatal(err)
	}
	if len(pageB.Deliveries) != 1 || pageB.Deliveries[0].EventID != evB.ID {
		t.Errorf("tenant B's delivery log: %+v", pageB.Deliveries)
	}

	t.Run("ErrNotFoundForAnotherTenantsObjects", func(t *testing.T) {
		dA := e.waitDelivery(svc, a, epA.ID, evA, webhooks.StatusSucceeded)
		checks := map[string]error{
			"DeleteEndpoint": svc.DeleteEndpoint(ctx, b, epA.ID),
		}
		_, checks["RotateSecret"] = svc.RotateSecret(ctx, b, epA.ID)
		_, checks["Endpoint"] = svc.Endpoint(ctx, b, epA.ID)
		_, checks["Redeliver"] = svc.Redeliver(ctx, b, dA.ID)
		_, checks["Attempts"] = svc.Attempts(ctx, b, dA.ID)
		for op, err := range checks {
			if apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s on tenant A's object by tenant B: %v, want NOT_FOUND", op, err)
			}
		}
		page, err := svc.Deliveries(ctx, b, webhooks.DeliveryFilter{EndpointID: &epA.ID}, pageOf(10))
		if err != nil || len(page.Deliveries) != 0 {
			t.Errorf("tenant B filtering on A's endpoint: %d deliveries, %v", len(page.Deliveries), err)
		}
		list, _ := svc.ListEndpoints(ctx, b)
		if len(list) != 1 || list[0].ID != epB.ID {
			t.Errorf("tenant B lists %+v", list)
		}
	})
}

func TestAnEndpointReceivesOnlyTheEventsOfItsFilter(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	ctx := context.Background()
	tenant := e.tenant("erp")
	approvals, consents, all := newReceiver(t, 0), newReceiver(t, 0), newReceiver(t, 0)
	epApprovals, _, err := svc.CreateEndpoint(ctx, tenant, approvals.URL(), "", []string{"cash_out_internal_transfer_approved", " cash_out_internal_transfer_approved"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(epApprovals.EventNames, []string{"cash_out_internal_transfer_approved"}) {
		t.Errorf("filter stored as %v", epApprovals.EventNames)
	}
	epConsents, _, err := svc.CreateEndpoint(ctx, tenant, consents.URL(), "", []string{"consent_authorised", "consent_revoked"})
	if err != nil {
		t.Fatal(err)
	}
	epAll, _, err := svc.CreateEndpoint(ctx, tenant, all.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}

	approved := e.paymentEvent(tenant, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	finished := e.paymentEvent(tenant, "cash_out_internal_transfer_finished", "APPROVED", "FINISHED")
	authorised := e.consentEvent(tenant, "consent_authorised", "AUTHORISED")
	e.waitDelivery(svc, tenant, epAll.ID, authorised, webhooks.StatusSucceeded) // the last event: all are dispatched
	e.waitDelivery(svc, tenant, epApprovals.ID, approved, webhooks.StatusSucceeded)
	d := e.waitDelivery(svc, tenant, epConsents.ID, authorised, webhooks.StatusSucceeded)

	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ?", epApprovals.ID); n != 1 {
		t.Errorf("approvals endpoint has %d deliveries, want 1", n)
	}
	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ?", epConsents.ID); n != 1 {
		t.Errorf("consents endpoint has %d deliveries, want 1", n)
	}
	e.waitDelivery(svc, tenant, epAll.ID, approved, webhooks.StatusSucceeded)
	e.waitDelivery(svc, tenant, epAll.ID, finished, webhooks.StatusSucceeded)
	if got := approvals.accepted(); len(got) != 1 || got[webhooks.MessageID(approved.ID)] != 1 {
		t.Errorf("approvals endpoint got %v", got)
	}
	body := consents.requests()[0].Body
	if p := decode(t, body); p.Data.ConsentID != globalid.Encode(globalid.Consent, *authorised.ConsentID) || p.Data.PaymentID != "" ||
		p.Data.AccountID != nil || p.Data.PreviousStatus != nil || p.Type != "consent_authorised" {
		t.Errorf("consent payload %s", body)
	}
	if d.EventName != "consent_authorised" || d.MessageID() != webhooks.MessageID(authorised.ID) {
		t.Errorf("delivery %+v", d)
	}
	if n := len(all.accepted()); n != 3 {
		t.Errorf("unfiltered endpoint got %d events, want 3", n)
	}

	t.Run("DeliveriesPageWithoutGapOrRepeat", func(t *testing.T) {
		var seen []int64
		p := pageOf(2)
		for {
			page, err := svc.Deliveries(ctx, tenant, webhooks.DeliveryFilter{EndpointID: &epAll.ID}, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range page.Deliveries {
				seen = append(seen, d.EventID)
			}
			if !page.HasNext {
				break
			}
			c := webhooks.DeliveryCursor(page.Deliveries[len(page.Deliveries)-1])
			p.After = &c
		}
		if len(seen) != 3 || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 3 {
			t.Fatalf("pages gave events %v", seen)
		}
	})

	t.Run("ErrUnknownEventName", func(t *testing.T) {
		_, _, err := svc.CreateEndpoint(ctx, tenant, all.URL(), "", []string{"cash_out_teleport_approved"})
		if ae, ok := apperr.As(err); !ok || ae.Code != apperr.Invalid || !slices.Equal(ae.Field, []string{"events"}) {
			t.Fatalf("err = %v, want INVALID on events", err)
		}
	})
}

func TestRotatingTheSecretSignsWithTheNewSecretOnly(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	ctx := context.Background()
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 0)
	ep, oldSecret, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	first := e.paymentEvent(tenant, "cash_out_payment_approved", "CREATED", "APPROVED")
	e.waitDelivery(svc, tenant, ep.ID, first, webhooks.StatusSucceeded)

	newSecret, err := svc.RotateSecret(ctx, tenant, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if newSecret == oldSecret || len(newSecret) != len("whsec_")+44 {
		t.Fatalf("new secret %q", newSecret)
	}
	second := e.paymentEvent(tenant, "cash_out_payment_finished", "APPROVED", "FINISHED")
	e.waitDelivery(svc, tenant, ep.ID, second, webhooks.StatusSucceeded)

	got := rcv.requests()
	if len(got) != 2 {
		t.Fatalf("%d requests", len(got))
	}
	if err := webhooks.Verify(oldSecret, got[0].Header, got[0].Body); err != nil {
		t.Errorf("before rotation, old secret: %v", err)
	}
	if err := webhooks.Verify(newSecret, got[1].Header, got[1].Body); err != nil {
		t.Errorf("after rotation, new secret: %v", err)
	}
	if err := webhooks.Verify(oldSecret, got[1].Header, got[1].Body); !errors.Is(err, webhooks.ErrInvalidSignature) {
		t.Errorf("after rotation, old secret: %v, want ErrInvalidSignature", err)
	}
}

func TestRedeliverSendsTheSameEventAgainWithTheSameID(t *testing.T) {
	e := newEnv(t)
	svc := e.replica("replica-a", testConfig())
	ctx := context.Background()
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 0)
	ep, secret, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.paymentEvent(tenant, "cash_out_external_transfer_refunded", "FINISHED", "REFUNDED")
	d := e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusSucceeded)

	again, err := svc.Redeliver(ctx, tenant, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != webhooks.StatusPending {
		t.Errorf("redelivered delivery is %s", again.Status)
	}
	eventually(t, func() bool { return len(rcv.requests()) == 2 }, func() string { return fmt.Sprintf("%d requests", len(rcv.requests())) })
	d = e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusSucceeded)
	got := rcv.requests()
	if got[0].Header.Get(webhooks.HeaderID) != got[1].Header.Get(webhooks.HeaderID) || !bytes.Equal(got[0].Body, got[1].Body) {
		t.Errorf("redelivery differs: %q %s / %q %s", got[0].Header.Get(webhooks.HeaderID), got[0].Body, got[1].Header.Get(webhooks.HeaderID), got[1].Body)
	}
	if err := webhooks.Verify(secret, got[1].Header, got[1].Body); err != nil {
		t.Error(err)
	}
	if d.Attempts != 2 {
		t.Errorf("delivery has %d attempts, want 2", d.Attempts)
	}

	t.Run("ErrInvalidStateOnADeletedEndpoint", func(t *testing.T) {
		if err := svc.DeleteEndpoint(ctx, tenant, ep.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Redeliver(ctx, tenant, d.ID); apperr.CodeOf(err) != apperr.InvalidState {
			t.Fatalf("err = %v, want INVALID_STATE", err)
		}
	})
}

func TestRedeliverOfAPendingDeliveryTriesNowInsteadOfAtItsNextAttempt(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.Backoff = func(int) time.Duration { return time.Hour }
	svc := e.replica("replica-a", cfg)
	ctx := context.Background()
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 1) // down once, then fixed
	ep, _, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.paymentEvent(tenant, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	var d *webhooks.Delivery
	eventually(t, func() bool {
		d = e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusPending)
		return d.Attempts == 1
	}, func() string { return "no first attempt" })
	if d.NextAttemptAt == nil || time.Until(*d.NextAttemptAt) < 50*time.Minute {
		t.Fatalf("next attempt at %v, want in about an hour", d.NextAttemptAt)
	}

	if _, err := svc.Redeliver(ctx, tenant, d.ID); err != nil {
		t.Fatal(err)
	}
	d = e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusSucceeded)
	if d.Attempts != 2 || d.NextAttemptAt != nil {
		t.Fatalf("delivery %+v", d)
	}
	// The first round's job still waits for its hour; when it runs it finds a later round and
	// sends nothing.
	eventually(t, func() bool { // River records job states asynchronously
		return e.count("SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver' AND state = 'retryable' AND args->>'generation' = '1'") == 1
	}, func() string { return "the first round's job is not waiting for its retry" })
	if err := e.db.Exec("UPDATE river_job SET state = 'available', scheduled_at = now() WHERE kind = 'webhook_deliver' AND state = 'retryable'").Error; err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool {
		return e.count("SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver' AND state = 'completed'") == 2
	}, func() string { return "the first round's job did not run" })
	if n := len(rcv.requests()); n != 2 {
		t.Fatalf("the first round's job sent again: %d requests", n)
	}
	if d = e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusSucceeded); d.Attempts != 2 {
		t.Fatalf("delivery %+v", d)
	}
}

func TestADeliveryIsFailedAfterItsLastAttemptAndRedeliverStartsOver(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.MaxAttempts = 3
	svc := e.replica("replica-a", cfg)
	ctx := context.Background()
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 3)
	ep, _, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.paymentEvent(tenant, "cash_out_internal_transfer_expired", "CREATED", "EXPIRED")
	d := e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusFailed)
	if d.Attempts != 3 || d.NextAttemptAt != nil || d.LastStatusCode == nil || *d.LastStatusCode != 500 || d.LastError == nil {
		t.Fatalf("failed delivery %+v", d)
	}
	status := webhooks.StatusFailed
	page, err := svc.Deliveries(ctx, tenant, webhooks.DeliveryFilter{Status: &status}, pageOf(10))
	if err != nil || len(page.Deliveries) != 1 {
		t.Fatalf("failed deliveries: %v %v", page, err)
	}

	if _, err := svc.Redeliver(ctx, tenant, d.ID); err != nil {
		t.Fatal(err)
	}
	d = e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusSucceeded)
	if d.Attempts != 4 || d.LastError != nil {
		t.Fatalf("redelivered delivery %+v", d)
	}
}

func TestDeletingAnEndpointStopsItsDeliveries(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.Backoff = func(int) time.Duration { return 300 * time.Millisecond }
	svc := e.replica("replica-a", cfg)
	ctx := context.Background()
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 1000)
	ep, _, err := svc.CreateEndpoint(ctx, tenant, rcv.URL(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.paymentEvent(tenant, "cash_out_internal_transfer_created", "", "CREATED")
	eventually(t, func() bool { return len(rcv.requests()) >= 1 }, func() string { return "no first attempt" })
	if err := svc.DeleteEndpoint(ctx, tenant, ep.ID); err != nil {
		t.Fatal(err)
	}
	d := e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusFailed)
	if d.LastError == nil || *d.LastError != "the endpoint was deleted" {
		t.Errorf("delivery %+v", d)
	}
	sent := len(rcv.requests())

	later := e.paymentEvent(tenant, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	if _, err := svc.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool {
		return e.count("SELECT count(*) FROM webhook_dispatch_cursor WHERE event_id >= ?", later.ID) == 1
	}, func() string { return "the dispatcher never passed the later event" })
	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", later.ID); n != 0 {
		t.Errorf("a deleted endpoint got %d new deliveries", n)
	}
	if list, _ := svc.ListEndpoints(ctx, tenant); len(list) != 0 {
		t.Errorf("deleted endpoint still listed: %+v", list)
	}
	if err := svc.DeleteEndpoint(ctx, tenant, ep.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("second delete: %v", err)
	}
	if n := len(rcv.requests()); n != sent {
		t.Errorf("%d requests after the endpoint was deleted", n-sent)
	}
}

func TestTwoReplicasMakeExactlyOneDeliveryPerEventAndEndpoint(t *testing.T) {
	e := newEnv(t)
	a, b := e.replica("replica-a", testConfig()), e.replica("replica-b", testConfig())
	ctx := context.Background()
	tenantA, tenantB := e.tenant("erp-a"), e.tenant("erp-b")
	r1, r2, r3 := newReceiver(t, 0), newReceiver(t, 0), newReceiver(t, 0)
	for _, ep := range []struct {
		svc    *webhooks.Service
		tenant uuid.UUID
		rcv    *receiver
	}{{a, tenantA, r1}, {b, tenantA, r2}, {a, tenantB, r3}} {
		if _, _, err := ep.svc.CreateEndpoint(ctx, ep.tenant, ep.rcv.URL(), "", nil); err != nil {
			t.Fatal(err)
		}
	}

	// Events commit from several writers while both replicas' dispatchers and extra manual
	// dispatches race for the cursor.
	const writers, perWriter = 8, 25
	stop := make(chan struct{})
	var racing sync.WaitGroup
	for _, svc := range []*webhooks.Service{a, b, a, b} {
		racing.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := svc.Dispatch(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var writing sync.WaitGroup
	idsA, idsB := make(chan int64, writers*perWriter), make(chan int64, writers*perWriter)
	for w := range writers {
		writing.Go(func() {
			for i := range perWriter {
				tenant, ids := tenantA, idsA
				if (w+i)%3 == 0 {
					tenant, ids = tenantB, idsB
				}
				ev := &events.Event{Name: "cash_out_internal_transfer_approved", Topic: events.TopicPayment, TenantID: &tenant, ToStatus: "APPROVED", Actor: "system"}
				e.record(ev)
				ids <- ev.ID
			}
		})
	}
	writing.Wait()
	close(idsA)
	close(idsB)
	wantA, wantB := map[string]int{}, map[string]int{}
	for id := range idsA {
		wantA[webhooks.MessageID(id)] = 1
	}
	for id := range idsB {
		wantB[webhooks.MessageID(id)] = 1
	}
	want := 2*len(wantA) + len(wantB)
	eventually(t, func() bool {
		return e.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'SUCCEEDED'") == want
	}, func() string {
		return fmt.Sprintf("%d of %d deliveries succeeded", e.count("SELECT count(*) FROM webhook_deliveries WHERE status = 'SUCCEEDED'"), want)
	})
	close(stop)
	racing.Wait()

	if n := e.count("SELECT count(*) FROM webhook_deliveries"); n != want {
		t.Errorf("%d deliveries, want %d", n, want)
	}
	if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver'"); n != want {
		t.Errorf("%d delivery jobs, want %d", n, want)
	}
	for name, got := range map[string]map[string]int{"A's first": r1.accepted(), "A's second": r2.accepted()} {
		if !mapsEqual(got, wantA) {
			t.Errorf("tenant %s endpoint: %d distinct events (want %d), duplicates or strays: %v", name, len(got), len(wantA), diff(got, wantA))
		}
	}
	if got := r3.accepted(); !mapsEqual(got, wantB) {
		t.Errorf("tenant B's endpoint: %v", diff(got, wantB))
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func diff(got, want map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range got {
		if want[k] != v {
			out[k] = v
		}
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			out[k] = 0
		}
	}
	return out
}

func TestDispatchAfterACrashNeitherLosesNorRepeats(t *testing.T) {
	e := newEnv(t)
	// No replica works jobs: dispatch by hand.
	svc, j := e.unstarted("replica-a", testConfig())
	ctx := context.Background()
	tenant := e.tenant("erp")
	if _, _, err := svc.CreateEndpoint(ctx, tenant, newReceiver(t, 0).URL(), "", nil); err != nil {
		t.Fatal(err)
	}
	first := e.paymentEvent(tenant, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	e.readable(first)

	// A dispatcher that dies after inserting the delivery and its job, before commit.
	errCrash := errors.New("the replica died")
	crashing := webhooks.New(e.db, func(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error {
		if err := j.InsertTx(ctx, tx, args, opts); err != nil {
			return err
		}
		return errCrash
	}, testConfig())
	if _, err := crashing.Dispatch(ctx); !errors.Is(err, errCrash) {
		t.Fatalf("crashing dispatch: %v", err)
	}
	if n := e.count("SELECT count(*) FROM webhook_deliveries") + e.count("SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver'"); n != 0 {
		t.Fatalf("a dispatch that never committed left %d rows", n)
	}
	if n := e.count("SELECT count(*) FROM webhook_dispatch_cursor WHERE event_id = 0"); n != 1 {
		t.Fatal("a dispatch that never committed moved the cursor")
	}

	t.Run("ADispatcherHoldingTheCursorMakesTheOthersSkip", func(t *testing.T) {
		holder := e.db.Begin()
		defer holder.Rollback()
		if err := holder.Exec("SELECT 1 FROM webhook_dispatch_cursor FOR UPDATE").Error; err != nil {
			t.Fatal(err)
		}
		if n, err := svc.Dispatch(ctx); err != nil || n != 0 {
			t.Fatalf("dispatch while another holds the cursor: %d, %v", n, err)
		}
	})

	if n, err := svc.Dispatch(ctx); err != nil || n != 1 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}
	second := e.paymentEvent(tenant, "cash_out_internal_transfer_finished", "APPROVED", "FINISHED")
	e.readable(second)
	if n, err := svc.Dispatch(ctx); err != nil || n != 1 {
		t.Fatalf("dispatch of the second event: %d, %v", n, err)
	}
	if n, err := svc.Dispatch(ctx); err != nil || n != 0 {
		t.Fatalf("dispatch with nothing new: %d, %v", n, err)
	}
	for _, ev := range []*events.Event{first, second} {
		if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", ev.ID); n != 1 {
			t.Errorf("event %d: %d deliveries", ev.ID, n)
		}
	}
	if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver'"); n != 2 {
		t.Errorf("%d delivery jobs, want 2", n)
	}

	t.Run("ACursorMovedBackIsStoppedByTheUniqueKey", func(t *testing.T) {
		if err := e.db.Exec("UPDATE webhook_dispatch_cursor SET xid = '0', event_id = 0").Error; err != nil {
			t.Fatal(err)
		}
		if n, err := svc.Dispatch(ctx); err != nil || n != 0 {
			t.Fatalf("re-dispatch from the start made %d deliveries, %v", n, err)
		}
		if n := e.count("SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver'"); n != 2 {
			t.Errorf("%d delivery jobs, want 2", n)
		}
	})
}
