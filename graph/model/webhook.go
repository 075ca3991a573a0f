package model

import (
	"time"

	"github.com/google/uuid"
)

// WebhookDelivery is the GraphQL WebhookDelivery, hand-written so that its endpoint and attempt
// log are resolved only when asked for.
type WebhookDelivery struct {
	ID             string                `json:"id"`
	WebhookID      string                `json:"webhookId"`
	EventName      string                `json:"eventName"`
	Status         WebhookDeliveryStatus `json:"status"`
	Attempts       int                   `json:"attempts"`
	LastAttemptAt  *time.Time            `json:"lastAttemptAt,omitempty"`
	NextAttemptAt  *time.Time            `json:"nextAttemptAt,omitempty"`
	LastStatusCode *int                  `json:"lastStatusCode,omitempty"`
	LastError      *string               `json:"lastError,omitempty"`
	CreatedAt      time.Time             `json:"createdAt"`

	DeliveryID uuid.UUID `json:"-"`
	EndpointID uuid.UUID `json:"-"`
}

// IsNode marks WebhookDelivery as a Node.
func (WebhookDelivery) IsNode() {}

// GetID returns the global ID.
func (d WebhookDelivery) GetID() string { return d.ID }
