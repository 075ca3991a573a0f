package contacts

import (
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Service keeps contacts.
type Service struct {
	db  *gorm.DB
	now func() time.Time
}

// New returns a Service on db.
func New(db *gorm.DB) *Service {
	// Microseconds: what PostgreSQL keeps, so cursors built from memory match the rows.
	return &Service{db: db, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// By is who makes a change, for the event log: the tenant (when one) and the actor's name.
type By struct {
	TenantID *uuid.UUID
	Actor    string
}
