package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ponte-bff/ponte/apperr"
)

// CloseServiceRestart is the close code of a GraphQL WebSocket Ponte ends because this replica is
// shutting down: 1012 "Service Restart" (RFC 6455's registry). graphql-ws clients treat it as
// retryable (their fatal codes are 4400-4499 and 1002/1011-style protocol errors), so they
// reconnect, to another replica, and subscribe again; a normal 1000 or a "complete" would tell
// them the subscription is over. An SSE stream ends with a SERVICE_UNAVAILABLE error event instead.
const CloseServiceRestart = 1012

var errRestarting = apperr.E(apperr.Unavailable, "the server is restarting: reconnect and subscribe again")

// drain is the authenticator's view of its open streams, for a graceful shutdown.
type drain struct {
	once     sync.Once
	draining chan struct{} // closed by Drain
	open     atomic.Int64  // streams (WebSockets, SSE responses) being served
}

func (d *drain) init() { d.once.Do(func() { d.draining = make(chan struct{}) }) }

// Drain ends every open stream (WebSockets close with CloseServiceRestart) and every stream
// opened from now on, then waits until they have all been closed or ctx ends. The server calls it
// once it stops being ready and before it stops serving: http.Server.Shutdown does not wait for
// WebSockets, which have left its hands.
func (a *Authenticator) Drain(ctx context.Context) error {
	a.drain.init()
	select {
	case <-a.drain.draining:
	default:
		close(a.drain.draining)
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for a.drain.open.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// OpenStreams is the number of WebSockets and SSE responses being served.
func (a *Authenticator) OpenStreams() int64 { return a.drain.open.Load() }

// track counts a stream while it is served; call the returned func when it is over.
func (a *Authenticator) track() func() {
	a.drain.open.Add(1)
	return func() { a.drain.open.Add(-1) }
}

// endOnDrain ends s, whose context is ctx, when the authenticator drains.
func (a *Authenticator) endOnDrain(ctx context.Context, s *stream) {
	a.drain.init()
	go func() {
		select {
		case <-a.drain.draining:
			s.end(errRestarting)
		case <-ctx.Done():
		}
	}()
}
