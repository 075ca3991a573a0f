package webhooks

import (
	"context"
	"encoding/json"
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
// about as it is now (the status is the event's). For the receivables events Fields carries, in
// the Stone names stoneformat's fieldsData documents, the statement entry (from the event's own
// detail), the boleto (as it is now) and the payment the event names.
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
		if ev.EntryID != nil && len(ev.Detail) > 0 {
			if err := entryFields(f.Fields, ev); err != nil {
				return nil, err
			}
		}
		if ev.BoletoID != nil {
			var b models.Boleto
			if err := db.Take(&b, "id = ?", *ev.BoletoID).Error; err != nil {
				return nil, err
			}
			boletoFields(f.Fields, &b)
		}
	}
	return f, nil
}

// entryFields tells a statement entry (the event's own detail: entries never change) in the
// Stone names of stoneformat's fieldsData.
func entryFields(out map[string]any, ev *events.Event) error {
	var d events.EntryDetail
	if err := json.Unmarshal(ev.Detail, &d); err != nil {
		return err
	}
	out["id"] = globalid.Encode(globalid.Entry, *ev.EntryID)
	out["amount"] = d.Amount
	out["fee_amount"] = d.Fee
	out["balance_after"] = d.BalanceAfter
	out["operation_type"] = d.Kind
	out["type"] = strings.ToLower(d.Direction)
	out["description"] = d.Description
	out["created_at"] = ev.OccurredAt.UTC().Format(time.RFC3339)
	out["transaction_id"] = globalid.Encode(globalid.Transaction, d.TransactionID)
	if c := d.Counterparty; c != nil {
		party := map[string]any{"name": c.Name, "document": c.Document, "document_type": strings.ToLower(c.DocumentType),
			"branch_code": c.BranchCode, "account_code": c.AccountCode,
			"institution": map[string]any{"ispb": c.InstitutionISPB, "code": c.InstitutionCode, "name": c.InstitutionName}}
		if c.AccountID != nil {
			party["account_id"] = globalid.Encode(globalid.Account, *c.AccountID)
		}
		out["counterparty"] = party
	}
	return nil
}

// boletoKinds are Stone's invoice_type for Ponte's boleto kinds.
var boletoKinds = map[string]string{"COBRANCA": "bill_of_exchange", "PROPOSTA": "proposal", "DEPOSITO": "deposit"}

// boletoFields tells a boleto as it is now in the Stone names of stoneformat's fieldsData.
func boletoFields(out map[string]any, b *models.Boleto) {
	stamp := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.UTC().Format(time.RFC3339)
	}
	party := func(p models.BoletoParty) map[string]any {
		return map[string]any{"name": p.Name, "document": p.Document, "document_type": strings.ToLower(p.DocumentType), "trade_name": p.TradeName}
	}
	out["id"] = globalid.Encode(globalid.Boleto, b.ID)
	out["amount"] = b.AmountCents
	out["invoice_type"] = boletoKinds[b.Kind]
	out["our_number"] = b.OurNumber
	out["barcode"] = b.Barcode
	out["writable_line"] = b.TypedLine
	out["expiration_date"] = b.DueDate.Format(time.DateOnly)
	out["limit_date"] = b.LimitDate.Format(time.DateOnly)
	out["customer"] = party(b.Customer)
	out["beneficiary"] = party(b.Beneficiary)
	out["created_at"] = b.IssuedAt.UTC().Format(time.RFC3339)
	out["registered_at"] = stamp(b.RegisteredAt)
	out["settled_at"] = stamp(b.SettledAt)
	out["expired_at"] = stamp(b.ExpiredAt)
	if b.PaidCents != nil {
		out["paid_amount"] = *b.PaidCents
	}
	if b.Payer != nil {
		out["invoice_payer"] = party(*b.Payer)
	}
}
