package stoneformat

import (
	"fmt"
	"time"
)

// Claims are the JSON claims of the JWS inside a Stone webhook, in Stone's names.
type Claims struct {
	Env                string         `json:"env"` // sandbox | production
	EventType          string         `json:"event_type"`
	ID                 string         `json:"id"` // the target's id, as in Stone's samples
	EventHappenedAt    string         `json:"event_happened_at"`
	EventNotifiedAt    string         `json:"event_notified_at"`
	TargetType         string         `json:"target_type"`
	TargetID           string         `json:"target_id"`
	TargetDetailURI    *string        `json:"target_detail_uri"`
	TargetStatementURI *string        `json:"target_statement_uri"`
	TargetData         map[string]any `json:"target_data"` // always with account_id
	IssuedAt           int64          `json:"iat"`
	NotBefore          int64          `json:"nbf"`
	JTI                string         `json:"jti"`
}

// Build returns the claims of f's event, notified at now under the JWT id jti. env is "sandbox"
// or "production". Errors: the event is not in Events.
func Build(f *Facts, env string, now time.Time, jti string) (*Claims, error) {
	ev, ok := Events[f.EventName]
	if !ok {
		return nil, fmt.Errorf("stoneformat: %q is not a webhook event", f.EventName)
	}
	t := ev.Data(f)
	if t.ID == "" {
		t.ID = f.EventID
	}
	return &Claims{
		Env: env, EventType: ev.Type, ID: t.ID,
		EventHappenedAt: f.HappenedAt.UTC().Format(time.RFC3339), EventNotifiedAt: now.UTC().Format(time.RFC3339),
		TargetType: ev.TargetType, TargetID: t.ID, TargetDetailURI: t.DetailURI, TargetStatementURI: t.StatementURI,
		TargetData: t.Data, IssuedAt: now.Unix(), NotBefore: now.Unix(), JTI: jti,
	}, nil
}
