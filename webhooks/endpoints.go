package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
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
	// Format is how its webhooks are sent: FormatStandard or FormatStone.
	Format Format
	// PublicKeyID is the RFC 7638 thumbprint of the key a STONE endpoint's webhooks are encrypted
	// to; "" for STANDARD.
	PublicKeyID string
	CreatedAt   time.Time
}

// Format is how an endpoint's webhooks are sent.
type Format string

const (
	// FormatStandard is Standard Webhooks: JSON signed with HMAC-SHA256 (webhook-signature).
	FormatStandard Format = "STANDARD"
	// FormatStone is Stone's: {"encrypted_body": JWE(JWS)} with x-stone-webhook-* headers.
	FormatStone Format = "STONE"
)

// endpointRow is a webhook_endpoints row.
type endpointRow = models.WebhookEndpoint

func endpointOf(r *endpointRow) *Endpoint {
	names := []string(r.EventNames)
	if names == nil {
		names = []string{}
	}
	ep := &Endpoint{ID: r.ID, TenantID: r.TenantID, URL: r.URL, Description: r.Description, EventNames: names,
		Format: FormatStandard, CreatedAt: r.CreatedAt}
	if r.Format == string(FormatStone) {
		ep.Format = FormatStone
		var k struct {
			KID string `json:"kid"`
		}
		_ = json.Unmarshal(r.PublicKey, &k)
		ep.PublicKeyID = k.KID
	}
	return ep
}

// CreateEndpoint registers an endpoint for a tenant and returns it with its signing secret, which
// is never shown again (RotateSecret makes a new one). eventNames filters the events it receives
// (EventNames lists them); empty means all. The caller is the tenant itself.
//
// Errors: INVALID on url (not an absolute https URL; http only to localhost in Development),
// events (an unknown name) or description (over 500 characters), or when the tenant already has
// MaxEndpoints endpoints.
func (s *Service) CreateEndpoint(ctx context.Context, tenantID uuid.UUID, rawURL, description string, eventNames []string) (*Endpoint, string, error) {
	secret := newSecret()
	row, err := s.newEndpointRow(tenantID, rawURL, description, eventNames)
	if err != nil {
		return nil, "", err
	}
	row.Format, row.Secret = string(FormatStandard), &secret
	if err := s.insertEndpoint(ctx, row); err != nil {
		return nil, "", err
	}
	return endpointOf(row), secret, nil
}

// CreateStoneEndpoint registers an endpoint whose webhooks are sent in Stone's format: encrypted
// to publicKey (the tenant's RSA public key, PEM or JWK; see stoneformat.ParsePublicKey) and
// signed with Ponte's signing key (JWKS). It has no secret. The caller is the tenant itself.
//
// Errors: those of CreateEndpoint; REQUIRED on publicKey when it is empty (Ponte keeps no key of
// the tenant's to default to); INVALID on publicKey when it is no RSA public key of 2048 to 8192
// bits.
func (s *Service) CreateStoneEndpoint(ctx context.Context, tenantID uuid.UUID, rawURL, description string, eventNames []string, publicKey string) (*Endpoint, error) {
	row, err := s.newEndpointRow(tenantID, rawURL, description, eventNames)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(publicKey) == "" {
		return nil, apperr.Field(apperr.Required, []string{"publicKey"},
			"a STONE endpoint needs your RSA public key (PEM or JWK): its webhooks are encrypted to it")
	}
	if len(publicKey) > 16<<10 {
		return nil, apperr.Field(apperr.Invalid, []string{"publicKey"}, "publicKey is longer than 16 KiB")
	}
	jwk, err := stoneformat.ParsePublicKey(publicKey)
	if err != nil {
		return nil, apperr.Field(apperr.Invalid, []string{"publicKey"}, "%s", strings.TrimPrefix(err.Error(), stoneformat.ErrPublicKey.Error()+": "))
	}
	if row.PublicKey, err = jwk.MarshalJSON(); err != nil {
		return nil, err
	}
	row.Format = string(FormatStone)
	if err := s.insertEndpoint(ctx, row); err != nil {
		return nil, err
	}
	return endpointOf(row), nil
}

// newEndpointRow checks what every endpoint has (url, description, events) into a row to insert.
func (s *Service) newEndpointRow(tenantID uuid.UUID, rawURL, description string, eventNames []string) (*endpointRow, error) {
	u, err := s.checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	description = strings.TrimSpace(description)
	if len([]rune(description)) > 500 {
		return nil, apperr.Field(apperr.Invalid, []string{"description"}, "description is longer than 500 characters")
	}
	names, unknown := normalizeNames(eventNames)
	if unknown != "" {
		return nil, apperr.Field(apperr.Invalid, []string{"events"}, "%q is not an event name (see the list of webhook event names)", unknown)
	}
	return &endpointRow{TenantID: tenantID, URL: u, Description: description, EventNames: names, CreatedAt: s.now()}, nil
}

// insertEndpoint stores a new endpoint within the tenant's MaxEndpoints.
func (s *Service) insertEndpoint(ctx context.Context, row *endpointRow) error {
	tenantID := row.TenantID
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The tenant's endpoint lock serializes its endpoint creations, so the limit holds.
		if err := lockTenantEndpoints(tx, tenantID); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&endpointRow{}).Where("tenant_id = ? AND disabled_at IS NULL", tenantID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxEndpoints {
			return apperr.E(apperr.Invalid, "a tenant may have at most %d webhook endpoints; delete one first", MaxEndpoints)
		}
		if err := tx.Create(row).Error; isForeignKeyViolation(err) { // tenant_id names no tenant
			return apperr.E(apperr.NotFound, "no such tenant")
		} else if err != nil {
			return err
		}
		return nil
	})
}

// endpointsLock is the first key of the transaction-level advisory locks that serialize changes
// to one tenant's set of endpoints; the second is a hash of the tenant's id. Webhooks locks its
// own key rather than the tenant's row, which belongs to auth.
const endpointsLock = 0x77686b73 // "whks"

// lockTenantEndpoints holds the tenant's endpoint lock until tx ends.
func lockTenantEndpoints(tx *gorm.DB, tenantID uuid.UUID) error {
	return tx.Exec("SELECT pg_advisory_xact_lock(?, hashtext(?))", endpointsLock, tenantID.String()).Error
}

// isForeignKeyViolation reports whether err is PostgreSQL's foreign_key_violation.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.Is(err, gorm.ErrForeignKeyViolated) || errors.As(err, &pgErr) && pgErr.Code == "23503"
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
		out[i] = endpointOf(&rows[i])
	}
	return out, nil
}

// Endpoint returns one of the tenant's endpoints. Errors: NOT_FOUND (also for another tenant's).
func (s *Service) Endpoint(ctx context.Context, tenantID, id uuid.UUID) (*Endpoint, error) {
	row, err := findEndpoint(s.db.WithContext(ctx), tenantID, id, false)
	if err != nil {
		return nil, err
	}
	return endpointOf(row), nil
}

// Endpoints is Endpoint for many ids at once (the endpoints of a page of deliveries), in one
// query: the tenant's live endpoints among ids, by id; the others are left out.
func (s *Service) Endpoints(ctx context.Context, tenantID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]*Endpoint, error) {
	var rows []endpointRow
	if err := s.db.WithContext(ctx).Where("id IN ? AND tenant_id = ? AND disabled_at IS NULL", ids, tenantID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*Endpoint, len(rows))
	for i := range rows {
		out[rows[i].ID] = endpointOf(&rows[i])
	}
	return out, nil
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
// NOT_FOUND (also for another tenant's endpoint); INVALID_STATE for a STONE endpoint, which has
// no secret (Ponte's signing key is rotated by an operator, RotateSigningKey).
func (s *Service) RotateSecret(ctx context.Context, tenantID, id uuid.UUID) (string, error) {
	secret := newSecret()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row, err := findEndpoint(tx, tenantID, id, true)
		if err != nil {
			return err
		}
		if row.Format == string(FormatStone) {
			return apperr.E(apperr.InvalidState, "a STONE endpoint has no secret: its webhooks are signed with Ponte's published keys and encrypted to your public key")
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
	if !utf8.ValidString(raw) {
		return "", bad("url is not valid UTF-8")
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
	// Hosts compare as resolvers read them: case-insensitive, with or without the root's dot.
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
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
		if ip, ok := ipLiteral(host); ok && !publicIP(ip) {
			return "", bad("url must point at a public address")
		} else if !ok && numericLabel(host) {
			return "", bad("url must give an IP address in the usual notation (like 203.0.113.7), or a host name")
		}
	}
	// The URL as it will be called is escaped, and can be longer than what was sent.
	out := u.String()
	if len(out) > 2048 {
		return "", bad("url is longer than 2048 characters once escaped")
	}
	return out, nil
}

func isLoopback(host string) bool {
	ip, ok := ipLiteral(host)
	return ok && ip.IsLoopback()
}

// ipLiteral reads host as an IP address, ignoring an IPv6 zone ("fe80::1%eth0").
func ipLiteral(host string) (net.IP, bool) {
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return nil, false
	}
	return net.IP(addr.WithZone("").AsSlice()), true
}

// numericLabel reports whether the last label of host is a number, decimal or 0x hex, which
// resolvers (inet_aton) and the WHATWG URL standard read as an IPv4 address in another notation
// ("2130706433", "127.1", "0x7f.1" are all 127.0.0.1). No DNS name ends in one.
func numericLabel(host string) bool {
	last := host[strings.LastIndexByte(host, '.')+1:]
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}
