package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
)

// Institution is the payment institution that holds Ponte's payment accounts.
type Institution struct {
	Name string
	ISPB string
	Code string
}

// Stone is the institution of the accounts Ponte opens, as in Stone's API.
var Stone = Institution{Name: "Stone Pagamentos S.A.", ISPB: "16501555", Code: "197"}

// Config holds the rules that vary by deployment.
type Config struct {
	BranchCode  string // agência of new payment accounts, e.g. "0001"
	DefaultPlan string // limit plan given on approval; "" gives none (MISSING_MOVEMENT_LIMIT_PLAN)
	Institution Institution
}

// Service opens and reviews accounts.
type Service struct {
	db     *gorm.DB
	cfg    Config
	now    func() time.Time
	number func() (int64, error) // draws new account numbers: randomAccountNumber
}

// New returns a Service. It fails when the configured default plan does not exist, so a typo in
// configuration stops the server instead of silently approving accounts without limits.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Service, error) {
	if cfg.BranchCode == "" {
		cfg.BranchCode = "0001"
	}
	if cfg.Institution == (Institution{}) {
		cfg.Institution = Stone
	}
	if cfg.DefaultPlan != "" {
		var plan models.LimitPlan
		err := db.WithContext(ctx).Where("name = ?", cfg.DefaultPlan).Take(&plan).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("default limit plan %q does not exist", cfg.DefaultPlan)
		}
		if err != nil {
			return nil, fmt.Errorf("look up default limit plan: %w", err)
		}
	}
	// Microseconds: what PostgreSQL keeps, so cursors built from memory match the rows.
	return &Service{db: db, cfg: cfg, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, number: randomAccountNumber}, nil
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
