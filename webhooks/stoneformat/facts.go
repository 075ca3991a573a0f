package stoneformat

import (
	"strings"
	"time"

	"github.com/ponte-bff/ponte/models"
)

// Facts are what package webhooks reads for one event: the event itself and the resource it is
// about, with Ponte's ids already in their public form (GraphQL global ids, the ids an ERP uses
// with Ponte's API).
type Facts struct {
	EventID        string    // the x-stone-webhook-event-id: the same on every attempt
	EventName      string    // Ponte's, a key of Events
	HappenedAt     time.Time // when the event happened
	AccountID      string    // the account's global id; "" when the event names none
	Status         string    // the status the resource moved to
	PreviousStatus *string   // nil when created
	BaseURL        string    // where Ponte is reached, for target_detail_uri and target_statement_uri

	// Payment is set for cash-out events: the payment as it is now, with its global id and its
	// target account's global id (internal transfers).
	Payment         *models.Payment
	PaymentID       string
	TargetAccountID string

	// Consent is set for consent events, with its global id; BankAccount when the consent is tied
	// to an account that has one.
	Consent     *models.Consent
	ConsentID   string
	BankAccount *models.BankAccount

	// Fields are the target_data of events whose resource this package does not read itself (the
	// receivables: cash-in and boleto issuance), in Stone's field names; see fieldsData.
	Fields map[string]any
}

// Target is an event's target: its id, data and the URIs that read it.
type Target struct {
	ID           string
	Data         map[string]any
	DetailURI    *string
	StatementURI *string
}

// statementURI is the account's statement in Ponte (CSV), nil without an account.
func (f *Facts) statementURI() *string {
	if f.AccountID == "" {
		return nil
	}
	u := strings.TrimSuffix(f.BaseURL, "/") + "/accounts/" + f.AccountID + "/statement.csv"
	return &u
}

// stamp is Stone's time format: RFC 3339 in UTC, to the second; nil stays null.
func stamp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func orNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
