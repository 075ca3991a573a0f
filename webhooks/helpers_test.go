package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/jobs"
	"github.com/ponte-bff/ponte/webhooks"
)

// waitLimit bounds every wait on background work; a healthy run takes well under a second.
const waitLimit = 30 * time.Second

// env is one test database.
type env struct {
	t   *testing.T
	db  *gorm.DB
	dsn string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, dsn := testdb.Open(t)
	return &env{t: t, db: db, dsn: dsn}
}

// testConfig retries after 10 ms and dispatches every 50 ms, so that nothing waits on production
// timings; Development lets deliveries reach the loopback receivers.
func testConfig() webhooks.Config {
	return webhooks.Config{
		Development:      true,
		Backoff:          func(int) time.Duration { return 10 * time.Millisecond },
		DispatchInterval: 50 * time.Millisecond,
		Timeout:          5 * time.Second,
		Logger:           testLogger(),
	}
}

func testLogger() *slog.Logger {
	if os.Getenv("WEBHOOKS_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// replica is one Ponte process: its own pool, River client and webhooks service, started, and
// stopped when the test ends.
func (e *env) replica(name string, cfg webhooks.Config) *webhooks.Service {
	e.t.Helper()
	svc, j := e.unstarted(name, cfg)
	if err := j.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return svc
}

func (e *env) unstarted(name string, cfg webhooks.Config) (*webhooks.Service, *jobs.Jobs) {
	e.t.Helper()
	pool, err := pgxpool.New(context.Background(), e.dsn)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(pool.Close)
	sqlDB, err := e.db.DB()
	if err != nil {
		e.t.Fatal(err)
	}
	j, err := jobs.New(context.Background(), pool, sqlDB, jobs.Config{
		ID:           name,
		Queues:       map[string]int{webhooks.Queue: 20, jobs.QueueDefault: 2},
		PollInterval: 50 * time.Millisecond,
		Logger:       testLogger(),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	svc := webhooks.New(e.db, j.InsertTx, cfg)
	if err := svc.Register(j); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := j.Stop(ctx); err != nil {
			e.t.Errorf("stop %s: %v", name, err)
		}
	})
	return svc, j
}

// tenant registers a tenant and returns its id.
func (e *env) tenant(name string) uuid.UUID {
	e.t.Helper()
	var row struct{ ID uuid.UUID }
	if err := e.db.Raw("INSERT INTO tenants (client_id, name) VALUES (?, ?) RETURNING id", name+"-"+uuid.NewString()[:8], name).Scan(&row).Error; err != nil {
		e.t.Fatal(err)
	}
	return row.ID
}

// paymentEvent records a payment's transition for tenant in its own transaction, on an account
// the tenant owns (the dispatcher tells a tenant only of accounts it reaches).
func (e *env) paymentEvent(tenant uuid.UUID, name, from, to string) *events.Event {
	e.t.Helper()
	account, payment := e.ownedAccount(tenant), uuid.New()
	ev := &events.Event{Name: name, Topic: events.TopicPayment, TenantID: &tenant, AccountID: &account, PaymentID: &payment,
		ToStatus: to, Actor: "system", OccurredAt: time.Now().UTC().Truncate(time.Microsecond)}
	if from != "" {
		ev.FromStatus = &from
	}
	e.record(ev)
	return ev
}

// ownedAccount opens an account that tenant owns and returns its id.
func (e *env) ownedAccount(tenant uuid.UUID) uuid.UUID {
	e.t.Helper()
	var row struct{ ID uuid.UUID }
	doc := fmt.Sprintf("%011d", rand.Int64N(1e11))
	if err := e.db.Raw(`INSERT INTO accounts (owner_tenant_id, name, email, document, document_type, status)
		VALUES (?, 'Conta', 'conta@example.com', ?, 'CPF', 'APPROVED') RETURNING id`, tenant, doc).Scan(&row).Error; err != nil {
		e.t.Fatal(err)
	}
	return row.ID
}

// consentEvent records a consent's transition for tenant.
func (e *env) consentEvent(tenant uuid.UUID, name, to string) *events.Event {
	e.t.Helper()
	consent := uuid.New()
	ev := &events.Event{Name: name, Topic: events.TopicConsent, TenantID: &tenant, ConsentID: &consent, ToStatus: to, Actor: "system"}
	e.record(ev)
	return ev
}

func (e *env) record(evs ...*events.Event) {
	e.t.Helper()
	err := e.db.Transaction(func(tx *gorm.DB) error {
		for _, ev := range evs {
			if err := events.Record(context.Background(), tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// readable waits until ev is below every running transaction of the cluster, so that
// events.ReadAfter, and so Dispatch, sees it (a transaction in any database holds it back).
func (e *env) readable(ev *events.Event) {
	e.t.Helper()
	eventually(e.t, func() bool {
		evs, err := events.ReadAfter(context.Background(), e.db, events.Cursor{}, 1000)
		if err != nil {
			e.t.Fatal(err)
		}
		return slices.ContainsFunc(evs, func(r events.Event) bool { return r.ID == ev.ID })
	}, func() string { return "event " + webhooks.MessageID(ev.ID) + " never became readable" })
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Raw(query, args...).Scan(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// delivery returns the delivery of ev to endpoint, waiting until it reaches status.
func (e *env) waitDelivery(svc *webhooks.Service, tenant, endpoint uuid.UUID, ev *events.Event, status webhooks.DeliveryStatus) *webhooks.Delivery {
	e.t.Helper()
	var last *webhooks.Delivery
	eventually(e.t, func() bool {
		page, err := svc.Deliveries(context.Background(), tenant, webhooks.DeliveryFilter{EndpointID: &endpoint, EventID: &ev.ID}, pageOf(10))
		if err != nil {
			e.t.Fatal(err)
		}
		if len(page.Deliveries) == 1 {
			last = page.Deliveries[0]
		}
		return last != nil && last.Status == status
	}, func() string {
		if last == nil {
			return "no delivery of event " + webhooks.MessageID(ev.ID)
		}
		return "delivery " + string(last.Status) + ", not " + string(status)
	})
	return last
}

// eventually polls cond until it holds or waitLimit passes.
func eventually(t *testing.T, cond func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s: %s", waitLimit, why())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// receiver is a tenant's webhook endpoint: it records every request and answers 500 to the first
// failFirst of them, 204 after.
type receiver struct {
	srv       *httptest.Server
	mu        sync.Mutex
	got       []received
	failFirst int
}

type received struct {
	Header http.Header
	Body   []byte
	Code   int
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	t.Helper()
	r := &receiver{failFirst: failFirst}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		code := http.StatusNoContent
		if len(r.got) < r.failFirst {
			code = http.StatusInternalServerError
		}
		r.got = append(r.got, received{Header: req.Header.Clone(), Body: body, Code: code})
		r.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) URL() string { return r.srv.URL + "/hooks" }

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// accepted is the webhook-ids this receiver answered 2xx, with how many times each.
func (r *receiver) accepted() map[string]int {
	out := map[string]int{}
	for _, g := range r.requests() {
		if g.Code < 300 {
			out[g.Header.Get(webhooks.HeaderID)]++
		}
	}
	return out
}

func decode(t *testing.T, body []byte) webhooks.Payload {
	t.Helper()
	var p webhooks.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return p
}
