package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/observe"
	"github.com/ponte-bff/ponte/webhooks/stoneformat"
)

// DeliverArgs is the durable job that sends one delivery. Generation is the delivery's round
// (1, then one more per Redeliver): a job of an earlier round does nothing.
type DeliverArgs struct {
	DeliveryID uuid.UUID `json:"delivery_id"`
	Generation int       `json:"generation"`
}

// Kind names the job in River's table.
func (DeliverArgs) Kind() string { return "webhook_deliver" }

func (s *Service) deliverOpts() river.InsertOpts {
	return river.InsertOpts{Queue: s.cfg.Queue, MaxAttempts: s.cfg.MaxAttempts}
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.s.attempt(ctx, job.Args, job.Attempt, job.MaxAttempts)
}

// NextRetry is the webhook schedule (Config.Backoff), whatever the queue's default policy is.
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(w.s.retryAfter(job.Args.DeliveryID, job.Attempt))
}

// recordTimeout bounds recording an attempt, which goes on after the job's context ends.
const recordTimeout = 2 * time.Second

// Timeout is the HTTP attempt's and a margin: an attempt runs at most Config.Timeout +
// 2×recordTimeout, which must stay under the queue's RescueAfter (jobs.Config), or a slow attempt
// would be taken for a dead replica's and run twice at once.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return w.s.cfg.Timeout + recordTimeout
}

func (s *Service) retryAfter(delivery uuid.UUID, failures int) time.Duration {
	return jittered(s.cfg.Backoff(failures), delivery, failures)
}

// MessageID is the webhook-id (and the payload's id) of an event: "evt_" and the event's id. It
// is the same for every endpoint, attempt and redelivery of the event.
func MessageID(eventID int64) string { return "evt_" + strconv.FormatInt(eventID, 10) }

// ParseMessageID returns the event id of a MessageID.
func ParseMessageID(s string) (int64, bool) {
	rest, ok := strings.CutPrefix(s, "evt_")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// Payload is the JSON body of every webhook.
type Payload struct {
	ID        string    `json:"id"`        // MessageID, also in webhook-id
	Type      string    `json:"type"`      // the event name, e.g. cash_out_internal_transfer_approved
	Timestamp time.Time `json:"timestamp"` // when the event happened (RFC 3339)
	Data      Data      `json:"data"`
}

// Data is what changed. IDs are GraphQL global IDs; PaymentID is set for payment events,
// ConsentID for consent events, ContactID for contact events, PayrollID for payroll events, EntryID and Entry for statement
// entries (cash_in_*, statement_entry_added), whose Status is the entry's direction (CREDIT, DEBIT).
type Data struct {
	PaymentID      string     `json:"payment_id,omitempty"`
	ConsentID      string     `json:"consent_id,omitempty"`
	ContactID      string     `json:"contact_id,omitempty"`
	BoletoID       string     `json:"barcode_payment_invoice_id,omitempty"`
	PayrollID      string     `json:"payroll_id,omitempty"`
	EntryID        string     `json:"entry_id,omitempty"`
	AccountID      *string    `json:"account_id"`      // null for a consent not yet tied to an account
	Status         string     `json:"status"`          // the status it moved to
	PreviousStatus *string    `json:"previous_status"` // null when created
	OccurredAt     time.Time  `json:"occurred_at"`
	Entry          *EntryData `json:"entry,omitempty"`
}

// EntryData is a statement entry as a webhook carries it: the ledger's facts
// (events.EntryDetail, amounts in centavos) with global IDs.
type EntryData struct {
	events.EntryDetail
	TransactionID string        `json:"transaction_id"`         // a LedgerTransaction ID
	Counterparty  *Counterparty `json:"counterparty,omitempty"` // who sent or received it
}

// Counterparty is the other side of an entry; AccountID is an Account ID when it is a Ponte account.
type Counterparty struct {
	events.EntryCounterparty
	AccountID string `json:"account_id,omitempty"`
}

// PayloadOf is the body sent for e: the same bytes on every attempt.
func PayloadOf(e *events.Event) ([]byte, error) {
	at := e.OccurredAt.UTC()
	p := Payload{ID: MessageID(e.ID), Type: e.Name, Timestamp: at,
		Data: Data{Status: e.ToStatus, PreviousStatus: e.FromStatus, OccurredAt: at}}
	if e.PaymentID != nil {
		p.Data.PaymentID = globalid.Encode(globalid.Payment, *e.PaymentID)
	}
	if e.ConsentID != nil {
		p.Data.ConsentID = globalid.Encode(globalid.Consent, *e.ConsentID)
	}
	if e.ContactID != nil {
		p.Data.ContactID = globalid.Encode(globalid.Contact, *e.ContactID)
	}
	if e.BoletoID != nil {
		p.Data.BoletoID = globalid.Encode(globalid.Boleto, *e.BoletoID)
	}
	if e.PayrollID != nil {
		p.Data.PayrollID = globalid.Encode(globalid.Payroll, *e.PayrollID)
	}
	if e.AccountID != nil {
		id := globalid.Encode(globalid.Account, *e.AccountID)
		p.Data.AccountID = &id
	}
	if e.EntryID != nil {
		p.Data.EntryID = globalid.Encode(globalid.Entry, *e.EntryID)
	}
	if e.Detail != nil {
		var d events.EntryDetail
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			return nil, fmt.Errorf("webhooks: event %d: decode its entry: %w", e.ID, err)
		}
		p.Data.Entry = &EntryData{EntryDetail: d, TransactionID: globalid.Encode(globalid.Transaction, d.TransactionID)}
		if c := d.Counterparty; c != nil {
			p.Data.Entry.Counterparty = &Counterparty{EntryCounterparty: *c}
			if c.AccountID != nil {
				p.Data.Entry.Counterparty.AccountID = globalid.Encode(globalid.Account, *c.AccountID)
			}
		}
	}
	return json.Marshal(p)
}

// target is what one attempt needs, read fresh each time (a rotated secret applies at once).
type target struct {
	TenantID   uuid.UUID      `gorm:"column:tenant_id"`
	Status     DeliveryStatus `gorm:"column:status"`
	Generation int            `gorm:"column:generation"`
	EventID    int64          `gorm:"column:event_id"`
	URL        string         `gorm:"column:url"`
	Format     Format         `gorm:"column:format"`
	Secret     string         `gorm:"column:secret"`     // STANDARD
	PublicKey  []byte         `gorm:"column:public_key"` // STONE: the JWK its webhooks are encrypted to
	DisabledAt *time.Time     `gorm:"column:disabled_at"`
}

// attempt sends one delivery once and records the attempt. It returns an error when the endpoint
// did not take it, so that River retries it, and nil when there is nothing (more) to do.
func (s *Service) attempt(ctx context.Context, args DeliverArgs, attempt, maxAttempts int) error {
	var rows []target
	err := s.db.WithContext(ctx).Raw(`SELECT d.tenant_id, d.status, d.generation, d.event_id, ep.url, ep.format,
			coalesce(ep.secret, '') AS secret, ep.public_key, ep.disabled_at
		FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
		WHERE d.id = ?`, args.DeliveryID).Scan(&rows).Error
	if err != nil {
		return err
	}
	if len(rows) == 0 || rows[0].Generation != args.Generation || rows[0].Status != StatusPending {
		return nil // redelivered since, or finished by an earlier run of this job
	}
	t := &rows[0]
	if t.DisabledAt != nil {
		return s.record(ctx, args, outcome{at: s.now(), err: errEndpointDeleted, final: true, noAttempt: true})
	}
	ev, err := events.Find(ctx, s.db, t.EventID)
	if err != nil {
		return err
	}
	if ev == nil { // the log is append-only and the delivery references it: never happens
		return fmt.Errorf("webhooks: delivery %s: event %d is not in the log", args.DeliveryID, t.EventID)
	}
	if ofAccount(ev) { // a retry or a redelivery after the tenant lost the account sends nothing
		held, err := withheld(ctx, s.db, []events.Event{*ev}, nil, s.now())
		if err != nil {
			return err
		}
		if held[ev.ID] {
			return s.record(ctx, args, outcome{at: s.now(), err: errAccountUnreachable, final: true, noAttempt: true})
		}
	}
	if ofEntry(ev) { // a statement entry: its tenant is the delivery's, judged again as at dispatch
		reached, err := auth.TenantReaches(ctx, s.db, t.TenantID, auth.ScopeStatementRead, []uuid.UUID{*ev.AccountID}, s.now())
		if err != nil {
			return err
		}
		if !reached[*ev.AccountID] {
			return s.record(ctx, args, outcome{at: s.now(), err: errAccountUnreachable, final: true, noAttempt: true})
		}
	}
	out := s.send(ctx, t, ev)
	out.eventAt = ev.OccurredAt
	if !out.ok() {
		if attempt >= maxAttempts {
			out.final = true
		} else {
			next := out.at.Add(s.retryAfter(args.DeliveryID, attempt))
			out.next = &next
		}
	}
	if err := s.record(ctx, args, out); err != nil {
		return err
	}
	if out.ok() {
		return nil
	}
	if out.final {
		s.log.WarnContext(ctx, "webhooks: delivery failed for good", "delivery", args.DeliveryID, "attempts", attempt, "err", out.err)
	}
	return fmt.Errorf("webhooks: delivery %s attempt %d: %s", args.DeliveryID, attempt, out.err)
}

// errAccountUnreachable is the last error of a delivery not sent because its tenant no longer
// reaches the event's account (its consent ended).
const errAccountUnreachable = "the tenant no longer reaches the event's account"

// outcome is one attempt's result.
type outcome struct {
	at        time.Time
	duration  time.Duration
	code      *int
	err       string // "" when the endpoint answered 2xx
	final     bool   // no attempt follows: the delivery is FAILED
	next      *time.Time
	noAttempt bool      // nothing was sent (the endpoint is gone): record no attempt
	eventAt   time.Time // when the event happened: a delivery's lag is measured from it
}

func (o *outcome) ok() bool { return o.err == "" }

// send POSTs ev to the endpoint, in its format, signed now.
func (s *Service) send(ctx context.Context, t *target, ev *events.Event) outcome {
	out := outcome{at: s.now()}
	req, err := s.request(ctx, t, ev, out.at)
	if err != nil {
		out.err = err.Error()
		return out
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		out.duration = time.Since(start)
		out.err = sendError(err)
		return out
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	_ = resp.Body.Close()
	out.duration = time.Since(start)
	out.code = &resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		out.err = "the endpoint answered " + strconv.Itoa(resp.StatusCode)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			out.err += " (redirects are not followed)"
		}
	}
	return out
}

// request builds one attempt's request at the attempt's time: the only thing the two formats do
// differently (dispatch, retries, the delivery log and redelivery are the same).
func (s *Service) request(ctx context.Context, t *target, ev *events.Event, at time.Time) (*http.Request, error) {
	id := MessageID(t.EventID)
	var body []byte
	var err error
	if t.Format == FormatStone {
		if body, err = s.stoneBody(ctx, t.PublicKey, ev, at); err != nil {
			// The cause (a database error, a key that does not open) is Ponte's, for its logs;
			// the tenant's delivery log says only that the attempt was not sent.
			s.log.ErrorContext(ctx, "webhooks: STONE body", "event", ev.ID, "err", err)
			return nil, errStoneBody
		}
	} else {
		body, err = PayloadOf(ev)
	}
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Ponte-Webhooks/1")
	observe.InjectTrace(ctx, req.Header) // traceparent: the delivery job's trace
	if t.Format == FormatStone {
		req.Header.Set(stoneformat.HeaderEventID, id)
		req.Header.Set(stoneformat.HeaderEventType, stoneformat.Events[ev.Name].Type)
		return req, nil
	}
	sig, err := Sign(t.Secret, id, at, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set(HeaderID, id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	return req, nil
}

// errStoneBody is the attempt error of a STONE body Ponte could not build.
var errStoneBody = errors.New("the webhook could not be built (an internal error of Ponte's, logged); it is retried")

// sendError says why no answer came, without Go's wrapping noise.
func sendError(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, errForbiddenAddress):
		return "the endpoint resolves to a non-public address"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	}
	return err.Error()
}

// record stores an attempt and its effect on the delivery. The attempt is always logged; the
// delivery's state changes only for the current round (a late job of an earlier round leaves it
// to the current one), and a delivery ended meanwhile (its endpoint deleted) is only revived by a
// success.
func (s *Service) record(ctx context.Context, args DeliverArgs, o outcome) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout) // record even when the job is cancelled
	defer cancel()
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var d models.WebhookDelivery
		if err := tx.Select("status", "generation", "attempts").Clauses(forUpdate).Where("id = ?", args.DeliveryID).Take(&d).Error; err != nil {
			return err
		}
		var errText *string
		if !o.ok() {
			errText = &o.err
		}
		now := s.now()
		set := map[string]any{"updated_at": now}
		if !o.noAttempt {
			n := d.Attempts + 1
			err := tx.Create(&Attempt{DeliveryID: args.DeliveryID, Attempt: n, AttemptedAt: o.at, StatusCode: o.code,
				DurationMS: int(o.duration.Milliseconds()), Error: errText}).Error
			if err != nil {
				return err
			}
			set["attempts"] = n
		}
		if d.Generation == args.Generation && (d.Status == StatusPending || o.ok()) {
			status := StatusPending
			switch {
			case o.ok():
				status = StatusSucceeded
			case o.final:
				status = StatusFailed
			}
			set["status"], set["next_attempt_at"], set["last_error"] = status, o.next, errText
			if !o.noAttempt {
				set["last_attempt_at"], set["last_status_code"] = o.at, o.code
			}
		}
		return tx.Model(&Delivery{}).Where("id = ?", args.DeliveryID).Updates(set).Error
	})
	if err == nil {
		observe.WebhookAttempt(o.result(), o.at.Sub(o.eventAt))
	}
	return err
}

// result names the attempt's result in the delivery metrics (observe.WebhookAttempt).
func (o *outcome) result() string {
	switch {
	case o.noAttempt:
		return "not_sent"
	case o.ok():
		return "delivered"
	case o.final:
		return "gave_up"
	}
	return "failed"
}
