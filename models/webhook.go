package models

import (
	"time"

	"github.com/google/uuid"
)

// WebhookEndpoint is where a tenant receives its webhooks. A deleted endpoint keeps its row
// (DisabledAt) so that its delivery log stays readable.
type WebhookEndpoint struct {
	ID          uuid.UUID     `gorm:"column:id;type:uuid;primaryKey;default:gen_random_uuid()"`
	TenantID    uuid.UUID     `gorm:"column:tenant_id;type:uuid"`
	URL         string        `gorm:"column:url"`
	Description string        `gorm:"column:description"`
	EventNames  Array[string] `gorm:"column:event_names;type:text[]"` // empty: every event
	// Format is STANDARD (HMAC-signed JSON, Secret set) or STONE (Stone's encrypted and signed
	// body, PublicKey set).
	Format     string     `gorm:"column:format;default:STANDARD"`
	Secret     *string    `gorm:"column:secret"`
	PublicKey  []byte     `gorm:"column:public_key;type:jsonb"` // the tenant's RSA public key as a JWK (STONE)
	DisabledAt *time.Time `gorm:"column:disabled_at"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
}

// TableName is the webhook_endpoints table.
func (WebhookEndpoint) TableName() string { return "webhook_endpoints" }

// WebhookDeliveryStatus is where a delivery stands (the webhook_deliveries.status CHECK).
type WebhookDeliveryStatus string

// WebhookDelivery is one event sent (or being sent) to one endpoint.
type WebhookDelivery struct {
	ID         uuid.UUID             `gorm:"column:id;type:uuid;primaryKey"`
	TenantID   uuid.UUID             `gorm:"column:tenant_id;type:uuid"`
	EndpointID uuid.UUID             `gorm:"column:endpoint_id;type:uuid"`
	EventID    int64                 `gorm:"column:event_id"`
	EventName  string                `gorm:"column:event_name"`
	Status     WebhookDeliveryStatus `gorm:"column:status"`
	// Generation is the delivery's round: 1, then one more per redelivery.
	Generation int `gorm:"column:generation"`
	// Attempts counts HTTP attempts, redeliveries included.
	Attempts       int        `gorm:"column:attempts"`
	LastAttemptAt  *time.Time `gorm:"column:last_attempt_at"`
	NextAttemptAt  *time.Time `gorm:"column:next_attempt_at"`
	LastStatusCode *int       `gorm:"column:last_status_code"`
	LastError      *string    `gorm:"column:last_error"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`
}

// TableName is the webhook_deliveries table.
func (WebhookDelivery) TableName() string { return "webhook_deliveries" }

// WebhookAttempt is one HTTP attempt of a delivery, as it happened (append-only).
type WebhookAttempt struct {
	ID          int64     `gorm:"column:id;primaryKey;->"`
	DeliveryID  uuid.UUID `gorm:"column:delivery_id;type:uuid"`
	Attempt     int       `gorm:"column:attempt"` // 1, 2, ... across redeliveries
	AttemptedAt time.Time `gorm:"column:attempted_at"`
	StatusCode  *int      `gorm:"column:status_code"` // nil when no answer came
	DurationMS  int       `gorm:"column:duration_ms"`
	Error       *string   `gorm:"column:error"` // nil on a 2xx answer
}

// TableName is the webhook_attempts table.
func (WebhookAttempt) TableName() string { return "webhook_attempts" }

// WebhookDispatchCursor is the one row saying how far the webhook dispatcher has read the event
// log: every event up to (XID, EventID) has its deliveries.
type WebhookDispatchCursor struct {
	Singleton bool      `gorm:"column:singleton;primaryKey"`
	XID       uint64    `gorm:"column:xid"` // an xid8: read as xid::text::numeric::bigint
	EventID   int64     `gorm:"column:event_id"`
	UpdatedAt time.Time `gorm:"column:updated_at"`
}

// TableName is the webhook_dispatch_cursor table.
func (WebhookDispatchCursor) TableName() string { return "webhook_dispatch_cursor" }

// WebhookSigningKey is one of Ponte's RSA keys that sign STONE-format webhooks. PrivateSealed is
// the PKCS #8 private key sealed with the key-encryption secret; PublicJWK is what the JWKS shows.
type WebhookSigningKey struct {
	KID            string     `gorm:"column:kid;primaryKey"`
	PublicJWK      []byte     `gorm:"column:public_jwk;type:jsonb"`
	PrivateSealed  []byte     `gorm:"column:private_sealed"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	CreatedBy      string     `gorm:"column:created_by"`
	RetiredAt      *time.Time `gorm:"column:retired_at"`      // when a newer key took over signing
	PublishedUntil *time.Time `gorm:"column:published_until"` // when it leaves the JWKS
}

// TableName is the webhook_signing_keys table.
func (WebhookSigningKey) TableName() string { return "webhook_signing_keys" }
