package resolvers

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
)

// statusStream is the one shape of the status subscriptions (paymentStatusChanged,
// boletoStatusChanged, payrollStatusChanged): about one account, some objects, or all the caller
// reaches; it ends when the caller loses an account it is about (auth.StreamGuard), and every
// event is authorized again before it is sent, so a revoked consent stops them at once.
type statusStream[O, E any] struct {
	action   auth.Action                                                                               // what reading the objects needs
	topic    events.Topic                                                                              // the log's topic of their status changes
	idsField string                                                                                    // the argument naming objects: "paymentIds"
	object   func(*events.Event) *uuid.UUID                                                            // the object an event is about
	find     func(ctx context.Context, gid string, field ...string) (id, account uuid.UUID, err error) // an object the caller may read
	load     func(ctx context.Context, id uuid.UUID) (*O, error)                                       // an object as it is now
	out      func(o *O, e *events.Event) *E                                                            // the event sent
}

// follow starts the stream for accountID, ids and after as the subscription's arguments give them.
func (s statusStream[O, E]) follow(ctx context.Context, r *Resolver, accountID *string, ids []string, after *string) (<-chan *E, error) {
	if _, err := r.Authz.Caller(ctx); err != nil {
		return nil, err
	}
	var account *uuid.UUID
	var about []uuid.UUID // the accounts the stream is about
	if accountID != nil {
		key, err := decodeID(*accountID, globalid.Account, "accountId")
		if err != nil {
			return nil, err
		}
		if _, err := r.Authz.Account(ctx, s.action, key); err != nil {
			return nil, err
		}
		account, about = &key, append(about, key)
	}
	only := map[uuid.UUID]bool{}
	for i, gid := range ids {
		key, acc, err := s.find(ctx, gid, s.idsField, fmt.Sprint(i))
		if err != nil {
			return nil, err
		}
		only[key] = true
		if !slices.Contains(about, acc) {
			about = append(about, acc)
		}
	}
	guard, err := r.Authz.GuardStream(ctx, s.action, about)
	if err != nil {
		return nil, err
	}
	return stream(ctx, r.Hub, guard, after, func(e *events.Event) (*E, bool) {
		id := s.object(e)
		if e.Topic != s.topic || id == nil || e.AccountID == nil || (account != nil && *e.AccountID != *account) || (len(only) > 0 && !only[*id]) {
			return nil, false
		}
		if _, err := r.Authz.Account(ctx, s.action, *e.AccountID); err != nil {
			return nil, false
		}
		o, err := s.load(ctx, *id)
		if err != nil {
			return nil, false
		}
		return s.out(o, e), true
	})
}
