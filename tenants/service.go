package tenants

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
	"github.com/ponte-bff/ponte/reqid"
)

// Service keeps the tenants table.
type Service struct{ db *gorm.DB }

// New returns the Service on db.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// Registration is a new tenant.
type Registration struct {
	ClientID      string   // the OAuth client id its tokens carry (client_id or azp)
	Name          string   // for people: the IDE, the holder's consent page
	AllowedScopes []string // the scopes its tokens may use (auth.TenantScopes)
	RedirectURIs  []string // where a consent journey may send the holder back
	// Its bucket; nil: the server's default.
	ThrottleCapacity, ThrottleRestoreRate *int
}

// Change is what updateTenant changes; nil fields stay as they are.
type Change struct {
	Name                        *string
	AllowedScopes, RedirectURIs []string // nil: unchanged; empty: none
	ThrottleCapacity            *int     // 0: back to the server's default
	ThrottleRestoreRate         *int     // 0: back to the server's default
	Enabled                     *bool    // false disables (as Disable), true enables again
}

// Event names of the tenant topic written here (tenant_disabled and tenant_enabled are written by
// the tenants table's trigger, migration 00011).
const (
	EventRegistered = "tenant_registered"
	EventUpdated    = "tenant_updated"
)

// Register adds a tenant, enabled. Errors: an apperr.List of REQUIRED/INVALID input fields
// (clientId already registered: INVALID on clientId).
func (s *Service) Register(ctx context.Context, actor string, in Registration) (*models.Tenant, error) {
	var errs apperr.List
	checkClientID(&errs, in.ClientID)
	checkName(&errs, in.Name)
	checkScopes(&errs, in.AllowedScopes)
	checkRedirectURIs(&errs, in.RedirectURIs)
	checkLimit(&errs, "throttleCapacity", in.ThrottleCapacity)
	checkLimit(&errs, "throttleRestoreRate", in.ThrottleRestoreRate)
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	t := &models.Tenant{ClientID: in.ClientID, Name: strings.TrimSpace(in.Name), AllowedScopes: dedupe(in.AllowedScopes),
		RedirectURIs: dedupe(in.RedirectURIs), ThrottleCapacity: orDefault(in.ThrottleCapacity), ThrottleRestoreRate: orDefault(in.ThrottleRestoreRate)}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(t)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.List{apperr.Field(apperr.Invalid, []string{"input", "clientId"}, "client %q is already a registered tenant", in.ClientID)}
		}
		return record(ctx, tx, t, EventRegistered, nil, actor, "registered client "+t.ClientID)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Update changes a tenant. Errors: NOT_FOUND; an apperr.List of INVALID/REQUIRED input fields.
func (s *Service) Update(ctx context.Context, actor string, id uuid.UUID, ch Change) (*models.Tenant, error) {
	var errs apperr.List
	if ch.Name != nil {
		checkName(&errs, *ch.Name)
	}
	checkScopes(&errs, ch.AllowedScopes)
	checkRedirectURIs(&errs, ch.RedirectURIs)
	checkLimit(&errs, "throttleCapacity", ch.ThrottleCapacity)
	checkLimit(&errs, "throttleRestoreRate", ch.ThrottleRestoreRate)
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	var t models.Tenant
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(ctx, tx, id, &t); err != nil {
			return err
		}
		was := status(&t)
		var changed []string
		if ch.Name != nil {
			t.Name, changed = strings.TrimSpace(*ch.Name), append(changed, "name")
		}
		if ch.AllowedScopes != nil {
			t.AllowedScopes, changed = dedupe(ch.AllowedScopes), append(changed, "allowedScopes")
		}
		if ch.RedirectURIs != nil {
			t.RedirectURIs, changed = dedupe(ch.RedirectURIs), append(changed, "redirectUris")
		}
		if ch.ThrottleCapacity != nil {
			t.ThrottleCapacity, changed = orDefault(ch.ThrottleCapacity), append(changed, "throttleCapacity")
		}
		if ch.ThrottleRestoreRate != nil {
			t.ThrottleRestoreRate, changed = orDefault(ch.ThrottleRestoreRate), append(changed, "throttleRestoreRate")
		}
		if len(changed) > 0 {
			t.UpdatedAt = time.Now().UTC()
			if err := tx.Select("name", "allowed_scopes", "redirect_uris", "throttle_capacity", "throttle_restore_rate", "updated_at").Save(&t).Error; err != nil {
				return err
			}
			if err := record(ctx, tx, &t, EventUpdated, &was, actor, "changed "+strings.Join(changed, ", ")); err != nil {
				return err
			}
		}
		if ch.Enabled != nil && *ch.Enabled != (t.DisabledAt == nil) {
			return setEnabled(ctx, tx, &t, *ch.Enabled, actor, "")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Disable disables a tenant: its tokens are refused from its next request, and the trigger's
// tenant_disabled event (naming actor, reason and the request) closes its open streams on every
// replica. Errors: NOT_FOUND; INVALID_STATE when it is disabled already.
func (s *Service) Disable(ctx context.Context, actor string, id uuid.UUID, reason string) (*models.Tenant, error) {
	var t models.Tenant
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(ctx, tx, id, &t); err != nil {
			return err
		}
		if t.DisabledAt != nil {
			return apperr.E(apperr.InvalidState, "the tenant is disabled already")
		}
		return setEnabled(ctx, tx, &t, false, actor, reason)
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Get returns one tenant. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Tenant, error) {
	var t models.Tenant
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no such tenant")
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Page is one page of tenants in registration order.
type Page struct {
	Tenants []*models.Tenant
	HasNext bool
	Total   int64
}

// List returns the tenants oldest first, after the page's cursor.
func (s *Service) List(ctx context.Context, p paging.Page) (*Page, error) {
	db := s.db.WithContext(ctx)
	page := &Page{}
	if err := db.Model(&models.Tenant{}).Count(&page.Total).Error; err != nil {
		return nil, err
	}
	q := db.Order("created_at, id").Limit(p.First + 1)
	if p.After != nil {
		q = q.Where("(created_at, id) > (?, ?)", p.After.At, p.After.ID)
	}
	if err := q.Find(&page.Tenants).Error; err != nil {
		return nil, err
	}
	if len(page.Tenants) > p.First {
		page.Tenants, page.HasNext = page.Tenants[:p.First], true
	}
	return page, nil
}

// CursorOf is the keyset cursor just after t.
func CursorOf(t *models.Tenant) paging.Cursor { return paging.Cursor{At: t.CreatedAt, ID: t.ID} }

// lock reads the tenant for update. Errors: NOT_FOUND.
func lock(ctx context.Context, tx *gorm.DB, id uuid.UUID, t *models.Tenant) error {
	err := tx.WithContext(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.E(apperr.NotFound, "no such tenant")
	}
	return err
}

// setEnabled enables or disables t in tx. The tenants table's trigger logs the change; the
// transaction's settings tell it who made it, why and in which request (migration 00017).
func setEnabled(ctx context.Context, tx *gorm.DB, t *models.Tenant, enabled bool, actor, reason string) error {
	err := tx.WithContext(ctx).Exec(`SELECT set_config('ponte.actor', ?, true), set_config('ponte.reason', ?, true), set_config('ponte.request_id', ?, true)`,
		actor, reason, reqid.From(ctx)).Error
	if err != nil {
		return err
	}
	var at *time.Time
	if !enabled {
		now := time.Now().UTC()
		at = &now
	}
	t.DisabledAt, t.UpdatedAt = at, time.Now().UTC()
	return tx.WithContext(ctx).Model(t).Select("disabled_at", "updated_at").Updates(map[string]any{"disabled_at": at, "updated_at": t.UpdatedAt}).Error
}

// record appends one tenant event.
func record(ctx context.Context, tx *gorm.DB, t *models.Tenant, name string, from *string, actor, reason string) error {
	return events.Record(ctx, tx, &events.Event{Name: name, Topic: events.TopicTenant, TenantID: &t.ID,
		FromStatus: from, ToStatus: status(t), Actor: actor, Reason: &reason})
}

func status(t *models.Tenant) string {
	if t.DisabledAt != nil {
		return "DISABLED"
	}
	return "ENABLED"
}

// orDefault stores 0 (the default) as NULL.
func orDefault(v *int) *int {
	if v == nil || *v == 0 {
		return nil
	}
	return v
}

func dedupe(s []string) []string {
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
