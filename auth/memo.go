package auth

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/models"
)

// factsMemo keeps, for the length of one read-only GraphQL operation, the facts Accounts judged
// accounts on (owner, consent scopes, held by the holder), so that the fields of a page of
// accounts (balance, statement, payments…) read them once per account, not once per field.
// Mutations and subscriptions get none: a mutation can change what the next one may do, and a
// stream re-authorizes every event.
type factsMemo struct {
	mu      sync.Mutex
	known   map[uuid.UUID]bool
	accs    map[uuid.UUID]*models.Account // nil: no such account
	granted map[uuid.UUID][]string
	held    map[uuid.UUID]bool
}

type factsMemoKey struct{}

// WithReadMemo returns ctx for one query operation: Authorizer.Accounts reads the facts of each
// account at most once in it.
func WithReadMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, factsMemoKey{}, &factsMemo{known: map[uuid.UUID]bool{},
		accs: map[uuid.UUID]*models.Account{}, granted: map[uuid.UUID][]string{}, held: map[uuid.UUID]bool{}})
}

func memoFrom(ctx context.Context) *factsMemo {
	m, _ := ctx.Value(factsMemoKey{}).(*factsMemo)
	return m
}
