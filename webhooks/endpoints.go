package webhooks

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// MaxEndpoints is how many endpoints a tenant may have at once.
const MaxEndpoints = 20

// Endpoint is where a tenant receives its webhooks. Its secret is never part of it: the tenant
// sees the secret only in the answers of CreateEndpoint and RotateSecret.
type Endpoint struct {
	ID          uuid.UUID
	TenantID    uuid.UUID
	URL         string
	Description string
	// EventNames are the events it receives; empty: all of them.
	EventNames []string
	CreatedAt  time.Time
}

// endpointRow is a webhook_endpoints row.
type endpointRow struct {
	ID          uuid.UUID            `gorm:"column:id;type:uuid;primaryKey;default:gen_random_uuid()"`
	TenantID    uuid.UUID            `gorm:"column:tenant_id;type:uuid"`
	URL         string               `gorm:"column:url"`
	Description string               `gorm:"column:description"`
	EventNames  models.Array[string] `gorm:"column:event_names;type:text[]"`
	Secret      string               `gorm:"column:secret"`
	DisabledAt  *time.Time           `gorm:"column:disabled_at"`
	CreatedAt   time.Time            `gorm:"column:created_at"`
}

func (endpointRow) TableName() string { return "webhook_endpoints" }

func (r *endpointRow) endpoint() *Endpoint {
	names := []string(r.EventNames)
	if names == nil {
		names = []string{}
	}
	return &Endpoint{ID: r.ID, TenantID: r.TenantID, URL: r.URL, Description: r.Description, EventNames: names, CreatedAt: r.CreatedAt}
}

// CreateEndpoint registers an endpoint for a tenant and returns it with its signing secret, which
// is never shown again (RotateSecret makes a new one). eventNames filters the events it receives
// (EventNames lists them); empty means all. The caller is the tenant itself.
//
// Errors: INVALID on url (not an absolute https URL; http only to localhost in Development),
// events (an unknown name) or description (over 500 characters), or when the tenant already has
// MaxEndpoints endpoints.
func (s *Service) CreateEndpoint(ctx context.Context, tenantID uuid.UUID, rawURL, description string, eventNames []string) (*Endpoint, string, error) {
	u, err := s.checkURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	description = strings.TrimSpace(description)
	if len([]rune(description)) > 500 {
		return nil, "", apperr.Field(apperr.Invalid, []string{"description"}, "description is longer than 500 characters")
	}
	names, unknown := normalizeNames(eventNames)
	if unknown != "" {
		return nil, "", apperr.Field(apperr.Invalid, []string{"events"}, "%q is not an event name (see the list of webhook event names)", unknown)
	}
	row := &endpointRow{TenantID: tenantID, URL: u, Description: description, EventNames: names, Secret: newSecret(), CreatedAt: s.now()}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The tenant's row lock serializes its endpoint creations, so the limit holds.
		var locked []uuid.UUID
		if err := tx.Raw("SELECT id FROM tenants WHERE id = ? FOR NO KEY UPDATE", tenantID).Scan(&locked).Error; err != nil {
			return err
		}
		if len(locked) == 0 {
			return apperr.E(apperr.NotFound, "no such tenant")
		}
		var n int64
		if err := tx.Model(&endpointRow{}).Where("tenant_id = ? AND disabled_at IS NULL", tenantID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxEndpoints {
			return apperr.E(apperr.Invalid, "a tenant may have at most %d webhook endpoints; delete one first", MaxEndpoints)
		}
		return tx.Create(row).Error
	})
	if err != nil {
		return nil, "", err
	}
	return row.endpoint(), row.Secret, nil
}

// ListEndpoints returns the tenant's endpoints, oldest first, without their secrets.
func (s *Service) ListEndpoints(ctx context.Context, tenantID uuid.UUID) ([]*Endpoint, error) {
	var rows []endpointRow
	err := s.db.WithContext(ctx).Where("tenant_id = ? AND disabled_at IS NULL", tenantID).Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]*Endpoint, len(rows))
	for i := range rows {
		out[i] = rows[i].endpoint()
	}
	return out, nil
}

// Endpoint returns one of the tenant's endpoints. Errors: NOT_FOUND (also for another tenant's).
func (s *Service) Endpoint(ctx context.Context, tenantID, id uuid.UUID) (*Endpoint, error) {
	row, err := findEndpoint(s.db.WithContext(ctx), tenantID, id, false)
	if err != nil {
		return nil, err
	}
	return row.endpoint(), nil
}

// DeleteEndpoint stops all deliveries to one of the tenant's endpoints: none is dispatched to it
// any more, and its PENDING ones become FAILED (an attempt already under way still finishes). Its
// delivery log stays readable. Errors: NOT_FOUND (also for another tenant's endpoint, or one
// already deleted).
func (s *Service) DeleteEndpoint(ctx context.Context, tenantID, id uuid.UUID) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := findEndpoint(tx, tenantID, id, true)
		if err != nil {
			return err
		}
		now := s.now()
		if err := tx.Model(row).Update("disabled_at", now).Error; err != nil {
			return err
		}
		return tx.Model(&Delivery{}).Where("endpoint_id = ? AND status = ?", id, StatusPending).
			Updates(map[string]any{"status": StatusFailed, "next_attempt_at": nil, "last_error": errEndpointDeleted, "updated_at": now}).Error
	})
}

// errEndpointDeleted is the last error of the deliveries an endpoint's deletion ended.
const errEndpointDeleted = "the endpoint was deleted"

// RotateSecret replaces an endpoint's signing secret and returns the new one. From then on every
// attempt, retries of earlier deliveries included, is signed with the new secret only. Errors:
// NOT_FOUND (also for another tenant's endpoint).
func (s *Service) RotateSecret(ctx context.Context, tenantID, id uuid.UUID) (string, error) {
	secret := newSecret()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := findEndpoint(tx, tenantID, id, true)
		if err != nil {
			return err
		}
		return tx.Model(row).Update("secret", secret).Error
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// findEndpoint returns a live endpoint of the tenant, locked when lock; anything else is NOT_FOUND,
// so that a tenant never learns whether another tenant's endpoint exists.
func findEndpoint(tx *gorm.DB, tenantID, id uuid.UUID, lock bool) (*endpointRow, error) {
	q := tx.Where("id = ? AND tenant_id = ? AND disabled_at IS NULL", id, tenantID)
	if lock {
		q = q.Clauses(forUpdate)
	}
	var row endpointRow
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.Field(apperr.NotFound, []string{"id"}, "no webhook endpoint with this id")
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// checkURL accepts an absolute https URL to a public host, or in Development an http URL to
// localhost. It returns the URL as it will be called.
func (s *Service) checkURL(raw string) (string, error) {
	bad := func(format string, args ...any) error {
		return apperr.Field(apperr.Invalid, []string{"url"}, format, args...)
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", apperr.Field(apperr.Required, []string{"url"}, "url is required")
	}
	if len(raw) > 2048 {
		return "", bad("url is longer than 2048 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return "", bad("url must be an absolute URL, like https://erp.example.com/webhooks")
	}
	if u.User != nil {
		return "", bad("url must not carry a user name or password")
	}
	if u.Fragment != "" {
		return "", bad("url must not have a fragment")
	}
	host := u.Hostname()
	local := host == "localhost" || isLoopback(host)
	switch u.Scheme {
	case "https":
	case "http":
		if !(s.cfg.Development && local) {
			return "", bad("url must use https (http is accepted only for localhost in development)")
		}
	default:
		return "", bad("url must use https")
	}
	if !s.cfg.Development {
		if local || strings.HasSuffix(host, ".localhost") {
			return "", bad("url must point at a public host")
		}
		if ip := net.ParseIP(host); ip != nil && !publicIP(ip) {
			return "", bad("url must point at a public address")
		}
	}
	return u.String(), nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
