package resolvers

import (
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/webhooks"
)

func endpointOut(e *webhooks.Endpoint) *model.WebhookEndpoint {
	out := &model.WebhookEndpoint{ID: globalid.Encode(globalid.Webhook, e.ID), URL: e.URL, Description: e.Description,
		Events: e.EventNames, CreatedAt: e.CreatedAt, Format: model.WebhookFormat(e.Format)}
	if e.PublicKeyID != "" {
		out.PublicKeyID = &e.PublicKeyID
	}
	return out
}

func deliveryOut(d *webhooks.Delivery) *model.WebhookDelivery {
	return &model.WebhookDelivery{ID: globalid.Encode(globalid.Delivery, d.ID), WebhookID: d.MessageID(), EventName: d.EventName,
		Status: model.WebhookDeliveryStatus(d.Status), Attempts: d.Attempts, LastAttemptAt: d.LastAttemptAt, NextAttemptAt: d.NextAttemptAt,
		LastStatusCode: d.LastStatusCode, LastError: d.LastError, CreatedAt: d.CreatedAt, DeliveryID: d.ID, EndpointID: d.EndpointID}
}

// deref is s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
