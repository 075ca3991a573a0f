package events

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"
)

// Channel is the PostgreSQL NOTIFY channel of the event log.
const Channel = "ponte_events"

// Hub fans the event log out to this replica's subscribers. One dedicated connection LISTENs
// (reconnecting with backoff); a notification, or a poll every second as a safety net, makes the
// hub read the new commit-safe events and publish them. Publishing never blocks: a subscriber
// whose buffer is full is dropped (its channel closed) and resumes with its cursor. Watchers of a
// tenant (WatchTenant) hear of its consents' and its own changes straight from the notification.
type Hub struct {
	db   *gorm.DB
	pool *pgxpool.Pool
	log  *slog.Logger

	mu       sync.Mutex
	subs     map[*Subscription]struct{}
	watchers map[uuid.UUID]map[*func(*Event)]struct{} // by tenant: WatchTenant
	head     Cursor
	wake     chan struct{}
	// published is head as others may read it (Lag); nil until Run has read the log's head.
	published atomic.Pointer[Cursor]
}

// Subscription receives the events published after it was made.
type Subscription struct {
	C    <-chan *Event
	c    chan *Event
	hub  *Hub
	once sync.Once
}

// NewHub returns a hub reading db and listening through pool.
func NewHub(db *gorm.DB, pool *pgxpool.Pool, log *slog.Logger) *Hub {
	return &Hub{db: db, pool: pool, log: log, subs: map[*Subscription]struct{}{}, watchers: map[uuid.UUID]map[*func(*Event)]struct{}{},
		wake: make(chan struct{}, 1)}
}

// Subscribe starts receiving events. Close it when done.
func (h *Hub) Subscribe() *Subscription {
	c := make(chan *Event, 256)
	s := &Subscription{C: c, c: c, hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close ends the subscription; safe to call more than once and after the hub dropped it.
func (s *Subscription) Close() { s.hub.drop(s) }

func (h *Hub) drop(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		s.once.Do(func() { close(s.c) })
	}
}

// Len is the number of live subscriptions (leak tests, metrics).
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Run listens and publishes until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	head, err := Head(ctx, h.db)
	if err != nil && ctx.Err() == nil {
		h.log.Error("events: read head", "err", err)
	}
	h.head = head
	h.published.Store(&head)
	go h.listen(ctx)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			h.closeAll()
			return
		case <-h.wake:
		case <-tick.C:
		}
		h.publishNew(ctx)
	}
}

// publishNew reads everything after the head and sends it to every subscriber.
func (h *Hub) publishNew(ctx context.Context) {
	for {
		evs, err := ReadAfter(ctx, h.db, h.head, 500)
		if err != nil {
			if ctx.Err() == nil {
				h.log.Error("events: read", "err", err)
			}
			return
		}
		for i := range evs {
			e := &evs[i]
			h.head = CursorOf(e)
			h.publish(e)
		}
		head := h.head
		h.published.Store(&head)
		if len(evs) < 500 {
			return
		}
	}
}

func (h *Hub) publish(e *Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.c <- e:
		default: // too slow: drop it rather than slow everyone down
			delete(h.subs, s)
			s.once.Do(func() { close(s.c) })
		}
	}
}

func (h *Hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		delete(h.subs, s)
		s.once.Do(func() { close(s.c) })
	}
}

// listen holds a dedicated connection LISTENing on Channel and wakes the publisher on every
// notification; it reconnects with exponential backoff (capped at 10 s) when the connection drops.
func (h *Hub) listen(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("events: LISTEN connection lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (h *Hub) listenOnce(ctx context.Context) error {
	conn, err := h.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	h.poke() // catch up on what happened while not listening
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			conn.Conn().Close(context.Background()) // never return a broken LISTEN connection to the pool
			return err
		}
		h.poke()
		h.announce(n.Payload)
	}
}

// WatchTenant calls f with every event about tenant that is not a payment's or a boleto's (one of its consents
// changed, the tenant was disabled or enabled) as soon as its NOTIFY arrives: at once and out of
// the log's commit-safe order, which a long transaction anywhere on the server may hold back.
// The event carries only its ID, Topic and TenantID. Stream guards re-judge their caller on it;
// what must be read in order reads the log. stop ends the watch.
func (h *Hub) WatchTenant(tenant uuid.UUID, f func(*Event)) (stop func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.watchers[tenant] == nil {
		h.watchers[tenant] = map[*func(*Event)]struct{}{}
	}
	h.watchers[tenant][&f] = struct{}{}
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.watchers[tenant], &f)
		if len(h.watchers[tenant]) == 0 {
			delete(h.watchers, tenant)
		}
	}
}

// announce tells the watchers of a notification's tenant of its event. The payload is
// "id:topic:tenant" (migration 00011); anything else is only a wake-up call.
func (h *Hub) announce(payload string) {
	parts := strings.Split(payload, ":")
	if len(parts) != 3 || Topic(parts[1]) == TopicPayment || Topic(parts[1]) == TopicBoleto || Topic(parts[1]) == TopicPayroll {
		return
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	tenant, err2 := uuid.Parse(parts[2])
	if err1 != nil || err2 != nil {
		return
	}
	h.mu.Lock()
	var fs []func(*Event)
	for f := range h.watchers[tenant] {
		fs = append(fs, *f)
	}
	h.mu.Unlock()
	for _, f := range fs {
		f(&Event{ID: id, Topic: Topic(parts[1]), TenantID: &tenant})
	}
}

func (h *Hub) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Lag is how far the hub is behind the event log: the age of the oldest event committed but not
// yet published to subscribers, 0 when it has published everything (the metrics' event-log lag).
func (h *Hub) Lag(ctx context.Context) (time.Duration, error) {
	head := h.published.Load()
	if head == nil {
		return 0, errors.New("events: the hub is not running")
	}
	evs, err := ReadAfter(ctx, h.db, *head, 1)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	return max(0, time.Since(evs[0].OccurredAt)), nil
}
