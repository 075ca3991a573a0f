package apiguard

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/throttle"
)

// Error codes of cost throttling.
const (
	CodeThrottled       = "THROTTLED"         // the caller's bucket lacks the points now: retry after Retry-After
	CodeMaxCostExceeded = "MAX_COST_EXCEEDED" // the operation costs more than the caller's bucket ever holds
)

// Cost charges every operation its cost before it runs, from the caller's leaky bucket
// (throttle.Buckets), and tells every response what it cost (extensions.cost, Shopify's shape).
//
// The requested cost is gqlgen's complexity, as extension.ComplexityLimit computed it just
// before (so Cost must be Used after it): one point per field, a list field times its `first`
// (resolvers.Config). An operation that does not fit is refused with THROTTLED and the time until
// it would (RetryAfter, which ThrottledStatus turns into HTTP 429 and Retry-After). After a query
// or a mutation has run, the actual cost is the number of fields it resolved (CountField), at most the
// requested cost, and the difference goes back to the bucket. A subscription is charged once, when
// it starts.
type Cost struct{ Buckets *throttle.Buckets }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = Cost{}

// costStats is the key of an operation's charge in its OperationContext's Stats.
const costStats = "Cost"

// charge is what one operation took from whose bucket, and the fields it has resolved.
type charge struct {
	requested int
	key       string
	lim       throttle.Limits
	taken     bool // the requested cost was taken from the bucket

	fields   atomic.Int64 // resolved so far
	settle   sync.Once    // refund once, when the response is complete
	mu       sync.Mutex
	status   *throttle.Status // the bucket as of the last take or refund; nil: no bucket (no caller)
	actual   int
	rejected bool
}

// ExtensionName names the extension for gqlgen.
func (Cost) ExtensionName() string { return costStats }

// Validate is called once when the handler is built.
func (c Cost) Validate(graphql.ExecutableSchema) error {
	if c.Buckets == nil || c.Buckets.Limiter == nil {
		return fmt.Errorf("cost: no buckets")
	}
	return nil
}

// MutateOperationContext takes the operation's requested cost from its caller's bucket.
func (c Cost) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	ch := &charge{requested: requestedCost(oc)}
	oc.Stats.SetExtension(costStats, ch)
	caller, ok := auth.CallerFrom(ctx)
	if !ok { // anonymous schema introspection: there is no bucket to spend from
		return nil
	}
	ch.key, ch.lim = c.Buckets.Of(caller)
	d := c.Buckets.Take(ch.key, ch.lim, ch.requested)
	ch.status = &d.Status
	switch {
	case d.Allowed:
		ch.taken = true
		return nil
	case d.TooLarge:
		ch.rejected = true
		return coded(CodeMaxCostExceeded, "the operation costs %d points, more than your bucket ever holds (%d): ask for fewer items (first) or fewer fields",
			ch.requested, ch.lim.Capacity)
	}
	ch.rejected = true
	seconds := retryAfterSeconds(d.RetryAfter)
	signalThrottled(ctx, seconds)
	err := coded(CodeThrottled, "throttled: the operation costs %d points and %d are available, restoring %d a second; retry after %d s",
		ch.requested, d.CurrentlyAvailable, d.RestoreRate, seconds)
	err.Extensions["retryAfter"] = seconds
	return err
}

// CountField counts the field of fc, about to be resolved in ctx, in its operation's actual
// cost. The endpoint's one field middleware calls it for every field (not an InterceptField of
// Cost: a layer of its own around each of the hundreds of fields of a page costs more than the
// count).
func CountField(ctx context.Context, fc *graphql.FieldContext) {
	if fc == nil || strings.HasPrefix(fc.Field.Name, "__") {
		return
	}
	if ch := chargeOf(ctx); ch != nil {
		ch.fields.Add(1)
	}
}

// InterceptResponse settles the charge once the response is complete and adds extensions.cost.
func (c Cost) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	ch, _ := oc.Stats.GetExtension(costStats).(*charge)
	if ch == nil { // refused before Cost ran (too complex, invalid): report what is known
		ch = &charge{requested: requestedCost(oc), rejected: true}
		if caller, ok := auth.CallerFrom(ctx); ok {
			ch.key, ch.lim = c.Buckets.Of(caller)
			s := c.Buckets.Peek(ch.key, ch.lim)
			ch.status = &s
		}
	}
	c.settle(ch, oc)
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = ch.report()
	return resp
}

// settle fixes the actual cost and refunds what was taken beyond it: once, after a query or a
// mutation ran. A subscription keeps its charge: it was the price of opening the stream.
func (c Cost) settle(ch *charge, oc *graphql.OperationContext) {
	ch.settle.Do(func() {
		ch.mu.Lock()
		defer ch.mu.Unlock()
		switch {
		case ch.rejected:
			ch.actual = 0
		case oc.Operation != nil && oc.Operation.Operation == ast.Subscription:
			ch.actual = ch.requested
		default:
			ch.actual = min(int(ch.fields.Load()), ch.requested)
		}
		if ch.taken && ch.actual < ch.requested {
			s := c.Buckets.Refund(ch.key, ch.lim, ch.requested-ch.actual)
			ch.status = &s
		}
	})
}

// report is extensions.cost.
func (ch *charge) report() map[string]any {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	out := map[string]any{"requestedQueryCost": ch.requested, "actualQueryCost": ch.actual, "throttleStatus": nil}
	if ch.status != nil {
		out["throttleStatus"] = map[string]any{
			"maximumAvailable":   ch.status.MaximumAvailable,
			"currentlyAvailable": ch.status.CurrentlyAvailable,
			"restoreRate":        ch.status.RestoreRate,
		}
	}
	return out
}

// requestedCost is the complexity extension.ComplexityLimit computed for oc (0 before it ran).
func requestedCost(oc *graphql.OperationContext) int {
	if s, ok := oc.Stats.GetExtension("ComplexityLimit").(*extension.ComplexityStats); ok && s != nil {
		return s.Complexity
	}
	return 0
}

// chargeKey carries an operation's charge in a context (WithCharge).
type chargeKey struct{}

// WithCharge returns ctx carrying its operation's charge, for CountField to find in a few steps:
// the operation context sits above every field context of the response, a walk up the whole
// chain for each of a page's hundreds of fields. The field middleware binds it around each
// resolver, under which the many plain fields are.
func WithCharge(ctx context.Context) context.Context {
	if ch := chargeOf(ctx); ch != nil {
		return context.WithValue(ctx, chargeKey{}, ch)
	}
	return ctx
}

func chargeOf(ctx context.Context) *charge {
	if ch, ok := ctx.Value(chargeKey{}).(*charge); ok {
		return ch
	}
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	ch, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(costStats).(*charge)
	return ch
}

// retryAfterSeconds is Retry-After's whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
