package apiguard

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// throttledKey carries a request's throttle signal from Cost to ThrottledStatus.
type throttledKey struct{}

// signalThrottled tells the request's ThrottledStatus that its operation was throttled.
func signalThrottled(ctx context.Context, retryAfterSeconds int) {
	if s, ok := ctx.Value(throttledKey{}).(*atomic.Int64); ok {
		s.Store(int64(retryAfterSeconds))
	}
}

// ThrottledStatus answers a request whose operation Cost throttled with HTTP 429 and Retry-After
// instead of the status the transport chose (GraphQL over HTTP answers errors found before
// execution with 200 or 422). A stream (a WebSocket, SSE) has answered 101 or 200 before any
// operation runs: its throttled subscription gets the THROTTLED error only.
func ThrottledStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
			next.ServeHTTP(w, r)
			return
		}
		retryAfter := new(atomic.Int64)
		next.ServeHTTP(&throttledWriter{ResponseWriter: w, retryAfter: retryAfter},
			r.WithContext(context.WithValue(r.Context(), throttledKey{}, retryAfter)))
	})
}

type throttledWriter struct {
	http.ResponseWriter
	retryAfter *atomic.Int64
	wrote      bool
}

func (w *throttledWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		if s := w.retryAfter.Load(); s > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(s, 10))
			status = http.StatusTooManyRequests
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *throttledWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets an incremental response (multipart/mixed: @defer) send each part as it is ready.
func (w *throttledWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection (a WebSocket's hijack).
func (w *throttledWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
