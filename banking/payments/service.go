package payments

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/money"
)

// Runner runs a payment's execution durably: EnqueueTx is called inside the transaction that
// makes the payment due, so a committed approval can never lose its execution (Batches: the
// payment's own row is queued, and its runner woken once the transaction commits).
// Delays are relative, not instants, so the service's clock (pinned in tests) and the queue's
// need not agree.
type Runner interface {
	EnqueueTx(ctx context.Context, tx *gorm.DB, paymentID uuid.UUID, after time.Duration) error
	// SettleTx queues asking the rail about a sent payment after a delay.
	SettleTx(ctx context.Context, tx *gorm.DB, paymentID uuid.UUID, after time.Duration) error
}

// Config holds the payment rules that vary by deployment.
type Config struct {
	Calendar    Calendar
	Fees        Fees
	ApprovalTTL time.Duration // how long a holder has to approve; default 7 days
	Rail        Rail          // settles TEDs and barcode payments; nil: they finish with no answer
}

// Service creates, decides, cancels and executes payments.
type Service struct {
	db     *gorm.DB
	ledger *ledger.Service
	runner Runner
	rail   Rail
	cfg    Config
	// receivables are the boletos Ponte issued itself (SetReceivables); nil: none are
	receivables Receivables
	now         func() time.Time
}

// New returns a Service posting to led and executing through runner.
func New(db *gorm.DB, led *ledger.Service, runner Runner, cfg Config) *Service {
	if cfg.ApprovalTTL == 0 {
		cfg.ApprovalTTL = 7 * 24 * time.Hour
	}
	if cfg.Calendar == (Calendar{}) {
		cfg.Calendar = DefaultCalendar
	}
	if cfg.Fees == nil {
		cfg.Fees = DefaultFees
	}
	return &Service{db: db, ledger: led, runner: runner, rail: cfg.Rail, cfg: cfg, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// Now is the service's clock: the instant dates and windows are judged at.
func (s *Service) Now() time.Time { return s.now() }

// Schedule is the scheduling calendar of kind between from and to (see Calendar.Schedule).
func (s *Service) Schedule(kind Kind, from, to brazil.Date) (Scheduling, error) {
	return s.cfg.Calendar.Schedule(kind, s.now(), from, to)
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Fees is the fee charged per payment kind (DOMAIN.md §6.1: Stone charges per operation type).
type Fees map[Kind]money.Cents

// DefaultFees are the development defaults: internal transfers free, a TED R$ 3.50, barcode
// payments free. Deployments set their own table.
var DefaultFees = Fees{KindInternalTransfer: 0, KindTED: 350, KindBoleto: 0, KindBarcode: 0}

// Fee returns the fee of a payment kind, shown before and charged with the payment.
func (s *Service) Fee(k Kind) money.Cents { return s.cfg.Fees[k] }
