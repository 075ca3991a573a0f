package payroll

import (
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
)

// Service creates, runs, cancels and reads payrolls.
type Service struct {
	db       *gorm.DB
	ledger   *ledger.Service
	payments *payments.Service
	insert   payments.InsertTxFunc // queues the run job inside the creating transaction
	cfg      Config
}

// Config holds how a run is worked.
type Config struct {
	// Batch is how many salaries one transaction of the run executes; default 200.
	Batch int
	// Slice is how long one attempt of the run job works before it hands the rest to its next
	// attempt (river.JobSnooze(0)), so no attempt nears the job timeout; default 8 s.
	Slice time.Duration
}

// New returns a Service paying salaries through pays and queueing its run job with insert.
func New(db *gorm.DB, led *ledger.Service, pays *payments.Service, insert payments.InsertTxFunc, cfg Config) *Service {
	if cfg.Batch <= 0 {
		cfg.Batch = 200
	}
	if cfg.Slice <= 0 {
		cfg.Slice = 8 * time.Second
	}
	return &Service{db: db, ledger: led, payments: pays, insert: insert, cfg: cfg}
}
