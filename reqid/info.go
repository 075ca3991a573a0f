package reqid

import (
	"context"
	"sync"
)

// Info is what the layers serving a request learn about it that the request's outermost layers
// (its access log line, its metrics, every log line written while serving it) need: who called
// (authentication sets it), the GraphQL operation and its cost (the GraphQL endpoint sets them).
// Middleware puts one in every request's context; inner layers fill it in.
type Info struct {
	mu        sync.Mutex
	tenant    string // a tenant caller's client id
	caller    string // the caller's actor name (auth.Caller.Actor)
	operation string
	cost      int
	throttled bool
}

type infoKey struct{}

// withInfo returns ctx carrying a new, empty Info.
func withInfo(ctx context.Context) context.Context {
	return context.WithValue(ctx, infoKey{}, &Info{})
}

// InfoFrom returns the request's Info, or nil outside a request.
func InfoFrom(ctx context.Context) *Info {
	i, _ := ctx.Value(infoKey{}).(*Info)
	return i
}

// SetCaller records who is calling: tenant is a tenant's client id ("" for holders and
// operators), actor the audit name of any caller. It does nothing outside a request.
func SetCaller(ctx context.Context, tenant, actor string) {
	if i := InfoFrom(ctx); i != nil {
		i.mu.Lock()
		i.tenant, i.caller = tenant, actor
		i.mu.Unlock()
	}
}

// SetOperation records the GraphQL operation the request ran, its requested cost and whether it
// was throttled. It does nothing outside a request.
func SetOperation(ctx context.Context, name string, cost int, throttled bool) {
	if i := InfoFrom(ctx); i != nil {
		i.mu.Lock()
		i.operation, i.cost, i.throttled = name, cost, throttled
		i.mu.Unlock()
	}
}

// Snapshot is a copy of an Info's fields.
type Snapshot struct {
	Tenant, Caller, Operation string
	Cost                      int
	Throttled                 bool
}

// Snapshot copies what is known so far; the zero Snapshot for a nil Info.
func (i *Info) Snapshot() Snapshot {
	if i == nil {
		return Snapshot{}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return Snapshot{Tenant: i.tenant, Caller: i.caller, Operation: i.operation, Cost: i.cost, Throttled: i.throttled}
}
