package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
)

// guardRecheck is how often a stream guard judges again with no reason to: a safety net for a
// change that no event announces (a consent or an account edited by hand).
const guardRecheck = 30 * time.Second

// guardRetry is how soon a guard tries again when it could not judge (the database is away).
const guardRetry = time.Second

// StreamGuard keeps one open subscription within what its caller may still do. Opening it
// authorized the subscription once; while it runs the guard judges again, with the rules every
// request is judged by: at the token's expiry, at the end of the consents the subscription rests
// on, as soon as an event of the log tells of a change to the caller's tenant or its consents
// (Notice), and every guardRecheck as a safety net. When the answer becomes no, it ends the
// subscription within the second:
//   - the token expired: the whole connection ends (a WebSocket closes with 4401, an SSE response
//     ends with an UNAUTHENTICATED error event);
//   - the tenant was disabled: the whole connection ends (4403; a FORBIDDEN error event);
//   - the caller lost an account the subscription is about (its consent was revoked or expired):
//     this subscription ends with a FORBIDDEN error (on a WebSocket an error message for it, the
//     socket staying open for the others; an SSE response ends with the error event).
type StreamGuard struct {
	z        *Authorizer
	caller   *Caller
	action   Action
	accounts []uuid.UUID

	ctx    context.Context
	cancel context.CancelFunc
	timer  *time.Timer // set by Watch, before anything can Notice
	mu     sync.Mutex  // serializes judging
	dirty  atomic.Bool // a Notice came while judging: judge again at once
}

// GuardStream authorizes a subscription of the caller of ctx, about action on each of accounts
// (none: a subscription judged per event only, such as every payment the caller may see), and
// returns its guard; Watch starts it. Errors: UNAUTHENTICATED, FORBIDDEN.
func (z *Authorizer) GuardStream(ctx context.Context, a Action, accounts []uuid.UUID) (*StreamGuard, error) {
	c, err := z.Caller(ctx)
	if err != nil {
		return nil, err
	}
	g := &StreamGuard{z: z, caller: c, action: a, accounts: accounts}
	if _, wide, err := g.judge(ctx); err != nil {
		if e, ok := apperr.As(err); ok && wide { // the connection itself is no longer allowed
			if s := streamOf(ctx); s != nil {
				s.end(e)
			}
		}
		return nil, err
	}
	return g, nil
}

// Watch starts guarding: the subscription must run in the returned context, which ends when the
// guard ends the subscription (or ctx ends).
func (g *StreamGuard) Watch(ctx context.Context) context.Context {
	g.ctx, g.cancel = context.WithCancel(ctx)
	g.timer = time.AfterFunc(time.Hour, g.tick)
	g.tick() // judged now: it sets the timer to the next time it must
	context.AfterFunc(g.ctx, func() { g.timer.Stop() })
	return g.ctx
}

// TenantID is the tenant whose changes the guard must hear of (Notice), nil for other callers.
func (g *StreamGuard) TenantID() *uuid.UUID {
	if g.caller.Kind != KindTenant {
		return nil
	}
	return &g.caller.Tenant.ID
}

// Notice is told of every event the subscription reads from the log; one about the caller's
// tenant or its consents (a revocation, an expiry, the tenant disabled) makes the guard judge
// again at once.
func (g *StreamGuard) Notice(e *models.Event) {
	if g == nil || g.caller.Kind != KindTenant || e.TenantID == nil || *e.TenantID != g.caller.Tenant.ID ||
		e.Topic == models.EventTopicPayment || e.Topic == models.EventTopicBoleto || e.Topic == models.EventTopicPayroll || (e.Topic == models.EventTopicConsent && len(g.accounts) == 0) {
		return // a consent matters only to a stream about accounts
	}
	if g.timer != nil && g.ctx.Err() == nil { // never waits for a judgement under way
		g.dirty.Store(true)
		g.timer.Reset(0)
	}
}

// tick judges and either ends the subscription or sets the timer for the next judgement.
func (g *StreamGuard) tick() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx.Err() != nil {
		return
	}
	g.dirty.Store(false)
	next, wide, err := g.judge(g.ctx)
	if err != nil {
		e, refused := apperr.As(err)
		if refused && (e.Code == apperr.Unauthenticated || e.Code == apperr.Forbidden) {
			g.end(e, wide)
			return
		}
		if g.ctx.Err() != nil {
			return
		}
		next = g.z.now().Add(guardRetry) // could not judge: try again soon, keep the stream meanwhile
	}
	if g.dirty.Load() { // what changed meanwhile may not have been read
		next = time.Time{}
	}
	if g.ctx.Err() == nil {
		g.timer.Reset(time.Until(next))
	}
}

// end ends the subscription because of err: the whole connection when wide, else this one only.
func (g *StreamGuard) end(err *apperr.Error, wide bool) {
	if s := streamOf(g.ctx); s != nil {
		if wide || s.sse {
			s.end(err)
		} else { // a WebSocket: an error message for this subscription, the socket stays
			transport.AddSubscriptionError(g.ctx, &gqlerror.Error{Message: err.Message,
				Extensions: map[string]any{"code": string(err.Code)}})
		}
	}
	g.cancel()
}

// judge answers whether the subscription may go on, and until when at most before judging
// again. wide is whether a refusal concerns the whole connection (the token, the tenant) rather
// than this subscription.
func (g *StreamGuard) judge(ctx context.Context) (next time.Time, wide bool, err error) {
	now, c := g.z.now(), g.caller
	if !c.Expiry.IsZero() && !now.Before(c.Expiry) {
		return now, true, errTokenExpired
	}
	if c.Kind == KindTenant {
		enabled, err := EnabledTenants(ctx, g.z.db, []uuid.UUID{c.Tenant.ID})
		if err != nil {
			return now, false, err
		}
		if !enabled[c.Tenant.ID] {
			return now, true, errTenantDisabled
		}
	}
	next = now.Add(guardRecheck)
	if !c.Expiry.IsZero() && c.Expiry.Before(next) {
		next = c.Expiry
	}
	if len(g.accounts) == 0 {
		return next, false, nil
	}
	refusals, err := g.z.Accounts(ctx, g.action, g.accounts)
	if err != nil {
		return now, false, err
	}
	for _, r := range refusals {
		if r != nil {
			return now, false, r
		}
	}
	if c.Kind == KindTenant { // judge again when the consents it rests on end
		var ends []time.Time
		q := g.z.db.WithContext(ctx).Table("consents").Select("max(expires_at)").
			Where("tenant_id = ? AND account_id IN ?", c.Tenant.ID, g.accounts).Group("account_id")
		if err := LiveConsent(q, now, tenantScope[g.action]).Scan(&ends).Error; err != nil {
			return now, false, err
		}
		for _, end := range ends {
			if end.Before(next) {
				next = end
			}
		}
	}
	return next, false, nil
}
