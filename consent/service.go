package consent

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Status is a consent's status.
type Status string

const (
	StatusAwaiting   Status = "AWAITING_AUTHORISATION"
	StatusAuthorised Status = "AUTHORISED"
	StatusRejected   Status = "REJECTED"
	StatusRevoked    Status = "REVOKED"
	StatusExpired    Status = "EXPIRED"
)

// Config holds the consent rules that vary by deployment.
type Config struct {
	PublicURL    string        // where holders reach Ponte, e.g. "http://localhost:8080"
	LinkTTL      time.Duration // how long an authorization link may be used; default 2h
	DefaultGrant time.Duration // grant length when the request names none; default 1 year
	MaxGrant     time.Duration // longest grant a request may ask; default 1 year
}

// Service keeps consents and their history.
type Service struct {
	db    *gorm.DB
	cfg   Config
	now   func() time.Time
	onEnd []EndHook
}

// EndHook runs inside the transaction that ends a granted consent (REVOKED or EXPIRED, the status
// given), once the change is written: what the grant allowed stops with it, or, if the hook fails,
// the consent does not end either. The payments domain stops the tenant's cash-out there
// (payments.Service.StopForEndedConsent) without this package importing it.
type EndHook func(ctx context.Context, tx *gorm.DB, tenantID, accountID uuid.UUID, status string) error

// OnEnd adds h to what runs when a granted consent ends. Call it before serving.
func (s *Service) OnEnd(h EndHook) { s.onEnd = append(s.onEnd, h) }

// New returns a Service.
func New(db *gorm.DB, cfg Config) *Service {
	if cfg.LinkTTL == 0 {
		cfg.LinkTTL = 2 * time.Hour
	}
	if cfg.DefaultGrant == 0 {
		cfg.DefaultGrant = 365 * 24 * time.Hour
	}
	if cfg.MaxGrant == 0 {
		cfg.MaxGrant = 365 * 24 * time.Hour
	}
	return &Service{db: db, cfg: cfg, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
