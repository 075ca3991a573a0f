package payments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/observe"
)

// The payments that wait (approved by the holder, scheduled, delayed to the TED window, barcode
// payments) are queued in the payments table itself: due_at is when a runner may take one, in
// queue time (the system clock; the service's clock, pinned in tests, only judges dates and
// windows), and the partial index payments_queue holds exactly those waiting. A runner claims up
// to a batch of the earliest due with FOR UPDATE SKIP LOCKED and executes them in one
// transaction: one commit for the batch (group commit), each payment posted under its own ledger
// key as Execute posts it. A business refusal fails that payment as Execute does; a technical
// error sends the batch round again with a savepoint per payment, where it rolls back only its
// payment's savepoint and backs it off (run_attempts, a later due_at), and the rest commits
// (ExecuteDueIn). The claim is the row lock: a runner that
// dies before its commit leaves every payment of the batch as it was, due, for the next claim.
// Replicas claim disjoint batches (SKIP LOCKED), and a payment runs only while still waiting
// (runnable), so two runners never execute one twice. One paying account's payments are in one
// batch at a time: they serialize on its ledger row anyway, and a second batch waiting there
// would hold its claimed payments idle and could deadlock with the first through the accounts
// both credit. A replica's loops each claim from their own partition of the paying accounts
// (Partition: a hash of the account), so they run different accounts' payments in parallel; a
// batch also takes an advisory lock on each paying account it runs (payerLock), so a batch of
// another replica leaves that account's payments for later.

// DefaultBatchSize is how many payments one transaction executes at most. Each payment opens a
// subtransaction that writes, with its own XID: its savepoint (the ledger posts an operation's
// movement without one of its own). PostgreSQL caches 64 subtransaction XIDs per backend; past
// that every other backend's snapshot has to look them up in pg_subtrans while the batch runs, so
// a batch stays well under 64 of them (32 was measured when each payment took two).
const DefaultBatchSize = 32

// payerLock is the first key of the batches' advisory locks on a paying account (the second is a
// hash of its id).
const payerLock = 0x70617973 // "pays"

// queued is a claimed payment with the trace context of the request that queued it.
type queued struct {
	models.Payment `gorm:"embedded"`
	TraceParent    *string `gorm:"column:trace_parent"`
}

// holdPayers takes the batch's advisory lock on each paying account of the claimed payments
// (re-entrant within the batch) and reports those it holds: one query, on the claimed rows only.
// A batch runs only the payments of those: two batches never wait on one account's ledger row,
// nor deadlock on it through the accounts they credit, and a hot account's payments go one batch
// after the other.
func (s *Service) holdPayers(tx *gorm.DB, claimed []queued) (map[uuid.UUID]bool, error) {
	ids := make([]uuid.UUID, len(claimed))
	for i := range claimed {
		ids[i] = claimed[i].ID
	}
	var held []uuid.UUID
	if err := tx.Raw(`SELECT account_id FROM payments WHERE id IN ? AND pg_try_advisory_xact_lock(?, hashtext(account_id::text))`,
		ids, payerLock).Scan(&held).Error; err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]bool, len(held))
	for _, id := range held {
		out[id] = true
	}
	return out, nil
}

// runnableStatuses are the statuses of a payment waiting to run, as payments_queue lists them.
var runnableStatuses = []Status{StatusApproved, StatusScheduled, StatusDelayed}

// Batches is the Runner whose queue is the payments table: EnqueueTx makes the payment due in the
// caller's transaction and Run executes what is due in batches. Settlement with the rail stays
// one River job per payment (SettleTx), as it waits on the rail, not on the database.
type Batches struct {
	Insert InsertTxFunc // River, for the settlement jobs

	mu    sync.Mutex
	wakes []chan struct{}  // one per running loop (Run)
	now   func() time.Time // queue time
}

// NewBatches returns the batch runner; insert queues settlement jobs (jobs.Jobs.InsertTx).
func NewBatches(insert InsertTxFunc) *Batches {
	return &Batches{Insert: insert, now: time.Now}
}

// SetClock replaces the queue's clock, for tests (a backed-off payment is due again later).
func (b *Batches) SetClock(now func() time.Time) { b.now = now }

// EnqueueTx makes the payment due after a delay (0: now) in tx, from its first try. The runner
// hears of a payment due now through Wake, which the service calls once the transaction has
// committed (a runner woken before could not see the payment yet); one due later, or made due on
// another replica, is found by the runner's poll.
func (b *Batches) EnqueueTx(ctx context.Context, tx *gorm.DB, paymentID uuid.UUID, after time.Duration) error {
	res := tx.WithContext(ctx).Exec(`UPDATE payments SET due_at = ?, run_attempts = 0, trace_parent = NULLIF(?, '') WHERE id = ?`,
		b.now().Add(after), observe.TraceParent(ctx), paymentID)
	if res.Error == nil && res.RowsAffected != 1 {
		return fmt.Errorf("payments: queue %s: no such payment", paymentID)
	}
	return res.Error
}

// SettleTx queues asking the rail about a sent payment after a delay: one River job per payment.
func (b *Batches) SettleTx(ctx context.Context, tx *gorm.DB, paymentID uuid.UUID, after time.Duration) error {
	return RiverRunner{Insert: b.Insert}.SettleTx(ctx, tx, paymentID, after)
}

// Wake tells this replica's loops that payments may be due now (each loop has its own paying
// accounts, so every one is told); it never blocks, and wakes coalesce.
func (b *Batches) Wake() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.wakes {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// BatchConfig tunes Run.
type BatchConfig struct {
	Size  int           // payments per transaction; default DefaultBatchSize
	Loops int           // batches this replica runs at once, each holding a connection; default 2
	Poll  time.Duration // how often to look without a wake-up (schedules, other replicas, retries); default 1s
	Log   *slog.Logger
}

// Run executes due payments in batches until ctx ends, then returns once the batches in flight
// have committed or rolled back. A loop that found a full batch goes on at once; one that found
// less waits for a wake-up or the poll.
func (b *Batches) Run(ctx context.Context, s *Service, cfg BatchConfig) {
	cfg.Size = cmpOr(cfg.Size, DefaultBatchSize)
	cfg.Loops = cmpOr(cfg.Loops, 2)
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	wakes := make([]chan struct{}, cfg.Loops)
	for i := range wakes {
		wakes[i] = make(chan struct{}, 1)
	}
	b.mu.Lock()
	b.wakes = append(b.wakes, wakes...)
	b.mu.Unlock()
	var wg sync.WaitGroup
	for part := range cfg.Loops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.loop(ctx, s, cfg, Partition{Part: part, Parts: cfg.Loops}, wakes[part])
		}()
	}
	wg.Wait()
	b.mu.Lock()
	b.wakes = slices.DeleteFunc(b.wakes, func(c chan struct{}) bool { return slices.Contains(wakes, c) })
	b.mu.Unlock()
}

// loop runs the batches of one partition of the paying accounts: the loops of a replica never
// take one account's payments at once, and run different accounts' in parallel.
func (b *Batches) loop(ctx context.Context, s *Service, cfg BatchConfig, part Partition, wake <-chan struct{}) {
	tick := time.NewTicker(cfg.Poll)
	defer tick.Stop()
	for ctx.Err() == nil {
		// A batch is not cut short by shutdown: it commits or rolls back as a whole.
		n, err := s.ExecuteDueIn(context.WithoutCancel(ctx), part, b.now(), cfg.Size, cfg.Log)
		if err != nil {
			cfg.Log.Error("payments: batch", "err", err)
		}
		if err == nil && n == cfg.Size {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-tick.C:
		}
	}
}

func cmpOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// wake tells the runner, if it listens, that a payment has become due now; call it after the
// transaction that made it due has committed.
func (s *Service) wake() {
	if w, ok := s.runner.(interface{ Wake() }); ok {
		w.Wake()
	}
}

// woken passes a created payment through, waking the runner when it waits to run now (a TED in
// its window, a barcode payment: not instant, queued by create's scheduleIfDue).
func (s *Service) woken(p *models.Payment, err error) (*models.Payment, error) {
	if err == nil && Status(p.Status) == StatusApproved {
		s.wake()
	}
	return p, err
}

// retryAfter is the back-off of a payment whose execution failed for a technical reason for the
// nth time, as executeOne's UPDATE computes it: 1 s, doubling, at most an hour.
func retryAfter(n int) time.Duration {
	if n >= 13 {
		return time.Hour
	}
	return min(time.Second<<max(n-1, 0), time.Hour)
}

// ExecuteDue claims up to limit payments due at queue time now (the earliest first) and executes
// them in one transaction, as the package comment says; it returns how many it executed (those
// whose paying account another batch holds are left due). Its error is the batch's own (the
// claim, the commit, a broken connection): nothing of the batch is then committed and every
// payment stays due. log receives each payment's technical failure.
func (s *Service) ExecuteDue(ctx context.Context, now time.Time, limit int, log *slog.Logger) (int, error) {
	return s.ExecuteDueIn(ctx, Partition{Parts: 1}, now, limit, log)
}

// Partition is one of Parts disjoint sets of paying accounts (by a hash of the account's id).
type Partition struct{ Part, Parts int }

// ExecuteDueIn is ExecuteDue for the payments of the paying accounts of one partition only.
//
// A batch runs first without savepoints: a payment's refusal writes nothing but its FAILED move,
// so only a technical error needs one, and a savepoint is a round trip per payment. The first
// technical error rolls that attempt back whole, and the batch runs again with a savepoint per
// payment, where the error is that payment's alone.
func (s *Service) ExecuteDueIn(ctx context.Context, part Partition, now time.Time, limit int, log *slog.Logger) (int, error) {
	n, err := s.executeDueIn(ctx, part, now, limit, log, false)
	if errors.Is(err, errNeedsSavepoints) {
		return s.executeDueIn(ctx, part, now, limit, log, true)
	}
	return n, err
}

// errNeedsSavepoints ends a batch run without savepoints at its first technical error.
var errNeedsSavepoints = errors.New("payments: a payment of the batch failed; run it again with savepoints")

func (s *Service) executeDueIn(ctx context.Context, part Partition, now time.Time, limit int, log *slog.Logger, savepoints bool) (int, error) {
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var claimed []queued
		if err := tx.Raw(`SELECT * FROM payments WHERE due_at IS NOT NULL AND status IN ? AND due_at <= ?
			AND (hashtext(account_id::text) & 2147483647) % ? = ?
			ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED`, runnableStatuses, now, max(part.Parts, 1), part.Part, limit).Scan(&claimed).Error; err != nil {
			return err
		}
		if len(claimed) == 0 {
			return nil
		}
		payers, err := s.holdPayers(tx, claimed)
		if err != nil {
			return err
		}
		due := make([]*models.Payment, 0, len(claimed))
		traces := make(map[uuid.UUID]string, len(claimed))
		for i := range claimed {
			p := &claimed[i].Payment
			if !payers[p.AccountID] {
				continue // another batch runs its account's payments: left due, unlocked at the commit
			}
			due = append(due, p)
			if claimed[i].TraceParent != nil {
				traces[p.ID] = *claimed[i].TraceParent
			}
		}
		n = len(due)
		// The same paying account's postings one after the other, and accounts in one order in
		// every batch, so two batches wait on each other's ledger rows rather than deadlock.
		slices.SortStableFunc(due, func(a, b *models.Payment) int { return slices.Compare(a.AccountID[:], b.AccountID[:]) })
		holds, err := s.basesHold(ctx, tx, due)
		if err != nil {
			return err
		}
		for _, p := range due {
			h := holds[p.ID]
			if err := s.executeOne(ctx, tx, now, p, &h, traces[p.ID], log, savepoints); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// executeOne executes one claimed payment in the batch's transaction: in its own savepoint when
// savepoint is set, where a technical error is backed off alone; otherwise such an error ends the
// batch's run (errNeedsSavepoints). Its span continues the trace of the request that queued it, and so does the settlement job
// it may insert.
func (s *Service) executeOne(ctx context.Context, tx *gorm.DB, now time.Time, p *models.Payment, holds *bool, traceParent string, log *slog.Logger, savepoint bool) (err error) {
	ctx, span := observe.StartFrom(ctx, traceParent, "payment execute", attribute.String("payment.id", p.ID.String()),
		attribute.String("payment.kind", p.Kind))
	defer func() {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}()
	tx = tx.WithContext(ctx)
	// Savepoints are not released: a RELEASE would cost a round trip per payment, the commit
	// releases them all, and a rollback goes to the latest, this payment's.
	if savepoint {
		if err := tx.Exec("SAVEPOINT payment").Error; err != nil {
			return err
		}
	}
	// Its events and its move are written with its posting (events.Defer), flushed before the
	// next payment's savepoint.
	ctx, pending := events.Defer(ctx)
	err = s.executeLocked(ctx, tx, p, holds)
	if err == nil {
		err = pending.Flush(ctx, tx)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotDue): // nothing written: due when its window opens
		wait := s.cfg.Calendar.RunAt(Kind(p.Kind), brazil.DateOf(p.RunOn)).Sub(s.now())
		return tx.Exec(`UPDATE payments SET due_at = ? WHERE id = ?`, now.Add(max(wait, time.Second)), p.ID).Error
	case !savepoint:
		return fmt.Errorf("%w: %s: %w", errNeedsSavepoints, p.ID, err)
	}
	if rerr := tx.Exec("ROLLBACK TO SAVEPOINT payment").Error; rerr != nil {
		return errors.Join(err, rerr)
	}
	// Backed off 1 s, doubling, at most an hour (retryAfter), never given up: the payment stays
	// due, and counted in the queue's metrics, until it runs or is cancelled.
	var attempts int
	if uerr := tx.Raw(`UPDATE payments SET run_attempts = run_attempts + 1,
		due_at = ?::timestamptz + make_interval(secs => least(power(2, run_attempts), 3600))
		WHERE id = ? RETURNING run_attempts`, now, p.ID).Scan(&attempts).Error; uerr != nil {
		return errors.Join(err, uerr)
	}
	log.Error("payments: execution failed; retried later", "payment", p.ID, "attempt", attempts, "retry_in", retryAfter(attempts), "err", err)
	span.SetStatus(codes.Error, err.Error())
	return nil
}
