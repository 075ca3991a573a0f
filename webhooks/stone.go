package webhooks

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

// stoneBody is the body of one attempt of a STONE delivery: the event's claims, notified at, signed
// with the key that signs now and encrypted to the endpoint's public key. Unlike a STANDARD body
// it differs on every attempt (notified_at, iat, jti, and the JWE's random key), which Stone's
// receivers expect; the event id in x-stone-webhook-event-id does not.
func (s *Service) stoneBody(ctx context.Context, publicKey []byte, ev *events.Event, at time.Time) ([]byte, error) {
	var recipient jose.JSONWebKey
	if err := recipient.UnmarshalJSON(publicKey); err != nil {
		return nil, err
	}
	f, err := s.stoneFacts(ctx, ev)
	if err != nil {
		return nil, err
	}
	claims, err := stoneformat.Build(f, s.cfg.Env, at, uuid.NewString())
	if err != nil {
		return nil, err
	}
	signer, err := s.signer(ctx)
	if err != nil {
		return nil, err
	}
	return stoneformat.Body(claims, signer, &recipient)
}

// stoneFacts reads what the Stone form of ev tells: the event, and the payment or consent it is
// about as it is now (the status is the event's). For the receivables events, whose resources
// (boletos, statement entries) this package does not know, Fields carries what the event names:
// its account and, when it names a payment (an internal transfer received from another Ponte
// account), that payment's amount and description. An integrator adding a resource reads it here
// into Fields, in the Stone names stoneformat's fieldsData documents.
func (s *Service) stoneFacts(ctx context.Context, ev *events.Event) (*stoneformat.Facts, error) {
	db := s.db.WithContext(ctx)
	f := &stoneformat.Facts{EventID: MessageID(ev.ID), EventName: ev.Name, HappenedAt: ev.OccurredAt,
		Status: ev.ToStatus, PreviousStatus: ev.FromStatus, BaseURL: s.cfg.PublicURL}
	if ev.AccountID != nil {
		f.AccountID = globalid.Encode(globalid.Account, *ev.AccountID)
	}
	spec := stoneformat.Events[ev.Name]
	var payment *models.Payment
	if ev.PaymentID != nil {
		payment = &models.Payment{}
		if err := db.Take(payment, "id = ?", *ev.PaymentID).Error; err != nil {
			return nil, err
		}
		if f.AccountID == "" {
			f.AccountID = globalid.Encode(globalid.Account, payment.AccountID)
		}
	}
	switch {
	case ev.Topic == events.TopicConsent && ev.ConsentID != nil:
		f.Consent, f.ConsentID = &models.Consent{}, globalid.Encode(globalid.Consent, *ev.ConsentID)
		if err := db.Take(f.Consent, "id = ?", *ev.ConsentID).Error; err != nil {
			return nil, err
		}
		if f.AccountID == "" && f.Consent.AccountID != nil {
			f.AccountID = globalid.Encode(globalid.Account, *f.Consent.AccountID)
		}
		if f.Consent.AccountID != nil {
			var b models.BankAccount
			err := db.Take(&b, "account_id = ?", *f.Consent.AccountID).Error
			if err == nil {
				f.BankAccount = &b
			} else if !errors.Is(err, gorm.ErrRecordNotFound) {
				return nil, err
			}
		}
	case payment != nil && spec.TargetType != "" && strings.HasPrefix(ev.Name, "cash_out_"):
		f.Payment, f.PaymentID = payment, globalid.Encode(globalid.Payment, payment.ID)
		if t := payment.Target.AccountID; t != nil {
			f.TargetAccountID = globalid.Encode(globalid.Account, *t)
		}
	default: // receivables
		f.Fields = map[string]any{}
		if payment != nil {
			f.Fields["payment_id"] = globalid.Encode(globalid.Payment, payment.ID)
			f.Fields["amount"] = payment.AmountCents
			f.Fields["description"] = payment.Description
			f.Fields["created_at"] = payment.CreatedAt.UTC().Format(time.RFC3339)
		}
	}
	return f, nil
}
