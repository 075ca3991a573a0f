package boletos

import (
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/money"
)

// Kind is what a boleto asks of its payer (Stone's invoice_type).
type Kind string

// The three kinds Stone issues.
const (
	KindCobranca Kind = "COBRANCA" // bill_of_exchange: a charge, with fine, interest and discounts
	KindProposta Kind = "PROPOSTA" // proposal: the payer may pay or not
	KindDeposito Kind = "DEPOSITO" // deposit: the holder puts money in its own account
)

// Status is where a boleto stands (Stone's vocabulary).
type Status string

// The statuses of a boleto.
const (
	StatusCreated               Status = "CREATED"
	StatusRegistered            Status = "REGISTERED"
	StatusSettled               Status = "SETTLED"
	StatusExpired               Status = "EXPIRED"
	StatusCancellationRequested Status = "CANCELLATION_REQUESTED"
	StatusCancelled             Status = "CANCELLED"
)

// Stone's default issuance range of an account (DOMAIN.md §6.7).
const (
	DefaultMinimum money.Cents = 20_00
	DefaultMaximum money.Cents = 10_000_00
)

// Stone's rules on the dates and charges of a boleto.
const (
	maxLimitDays      = 365 // the limit date at most this many days after issuance
	writeOffDays      = 7   // an unpaid boleto is written off this many days after its limit date
	maxFineBP         = 200 // 2 %, once
	maxMonthlyRateBP  = 100 // 1 % a month, charged daily
	maxDiscountBP     = 9000
	maxDiscounts      = 3
	stoneBankCode     = "197"
	stoneBranch       = "0001"
	maxDescription    = 200
	maxPartyNameRunes = 100
)

// Config holds what varies by deployment.
type Config struct {
	// RegisterDelay is how long the registry takes to answer an issuance or a cancellation
	// (Stone: 3 s to 15 min; the server's default is 3 s); 0: at once.
	RegisterDelay time.Duration
}

// Runner queues a boleto's background work in the caller's transaction, so that a committed
// change never loses its follow-up. Delays are relative: the service's clock (pinned in tests)
// and the queue's need not agree.
type Runner interface {
	// RegisterTx queues the registry's answer to an issuance or a cancellation request.
	RegisterTx(tx *gorm.DB, boletoID uuid.UUID, after time.Duration) error
	// CreditTx queues the clearing's credit of a boleto paid at another bank.
	CreditTx(tx *gorm.DB, boletoID uuid.UUID, after time.Duration) error
}

// Service issues, lists, cancels and settles boletos.
type Service struct {
	db     *gorm.DB
	ledger *ledger.Service
	runner Runner
	cfg    Config
	now    func() time.Time
}

// New returns a Service posting settlements to led and queuing its work through runner.
func New(db *gorm.DB, led *ledger.Service, runner Runner, cfg Config) *Service {
	return &Service{db: db, ledger: led, runner: runner, cfg: cfg, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// today is the São Paulo date of the service's clock.
func (s *Service) today() brazil.Date { return brazil.DateOf(s.now().In(saopaulo.Location)) }

// Today is the service's São Paulo date: the day amounts due are judged on by default.
func (s *Service) Today() brazil.Date { return s.today() }
