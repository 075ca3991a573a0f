package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ponte-bff/ponte/apperr"
)

// Close codes of a GraphQL WebSocket that Ponte ends because its caller may no longer use it
// (graphql-transport-ws's own codes): 4401 "Unauthorized" when the access token expired (the
// client gets a new token and reconnects), 4403 "Forbidden" when the caller lost the right to the
// connection (its tenant was disabled).
const (
	CloseTokenExpired = 4401
	CloseForbidden    = 4403
)

var (
	errTokenExpired   = apperr.E(apperr.Unauthenticated, "the access token expired")
	errTenantDisabled = apperr.E(apperr.Forbidden, "the tenant is disabled")
)

// stream is one long-lived request, a GraphQL WebSocket or an SSE response, as Ponte ends it: the
// cancel of its context and why it was ended. The middleware puts it in the request's context;
// the token's expiry and the stream guards (StreamGuard) end it through it.
type stream struct {
	sse bool

	mu     sync.Mutex
	cancel context.CancelFunc // ends the connection's context; nil until it has one
	err    *apperr.Error      // why Ponte ended it; nil while it runs
}

type streamKey struct{}

// streamOf returns the stream ctx belongs to, or nil outside one.
func streamOf(ctx context.Context) *stream {
	s, _ := ctx.Value(streamKey{}).(*stream)
	return s
}

// run gives the stream its context: ctx made cancellable, ended at the token's expiry (at; zero:
// never). The returned stop releases the timer once the stream is over.
func (s *stream) run(ctx context.Context, at time.Time) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.WithValue(ctx, streamKey{}, s))
	s.mu.Lock()
	s.cancel = cancel
	ended := s.err != nil
	s.mu.Unlock()
	if ended {
		cancel()
	}
	stop := func() { cancel() }
	if !at.IsZero() {
		timer := time.AfterFunc(time.Until(at), func() { s.end(errTokenExpired) })
		stop = func() { timer.Stop(); cancel() }
	}
	context.AfterFunc(ctx, func() { stop() }) // a stream closed earlier leaves no timer behind
	return ctx, stop
}

// end ends the stream because of err; the first reason stays.
func (s *stream) end(err *apperr.Error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// reason is why Ponte ended the stream, nil when it did not.
func (s *stream) reason() *apperr.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// closeCode is the WebSocket close code and reason for why the stream ended.
func closeCode(err *apperr.Error) (int, string) {
	switch err.Code {
	case apperr.Unauthenticated:
		return CloseTokenExpired, "access token expired"
	case apperr.Unavailable:
		return CloseServiceRestart, "service restart: reconnect"
	}
	return CloseForbidden, "forbidden: " + err.Message
}

// isEventStream reports whether r asks for a GraphQL response as Server-Sent Events (gqlgen's SSE
// transport: a POST accepting text/event-stream).
func isEventStream(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// serveEventStream serves an authenticated SSE request as a stream that ends when the caller's
// token expires or a guard ends it, with the reason as its last event.
func (a *Authenticator) serveEventStream(next http.Handler, w http.ResponseWriter, r *http.Request, expiry time.Time) {
	defer a.track()()
	s := &stream{sse: true}
	ctx, stop := s.run(r.Context(), expiry)
	defer stop()
	a.endOnDrain(ctx, s)
	next.ServeHTTP(&sseWriter{ResponseWriter: w, s: s}, r.WithContext(ctx))
}

// sseWriter adds, before the "complete" event of a stream Ponte ended, an event carrying why, as a
// GraphQL error (extensions.code UNAUTHENTICATED or FORBIDDEN), so that an SSE client tells an
// expired token from a lost right as a WebSocket client does by the close code.
type sseWriter struct {
	http.ResponseWriter
	s    *stream
	once sync.Once
}

var sseComplete = []byte("event: complete")

func (w *sseWriter) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, sseComplete) {
		if err := w.s.reason(); err != nil {
			w.once.Do(func() {
				b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{
					"message": err.Message, "extensions": map[string]any{"code": string(err.Code)},
				}}})
				_, _ = w.ResponseWriter.Write([]byte("event: next\ndata: " + string(b) + "\n\n"))
			})
		}
	}
	return w.ResponseWriter.Write(p)
}

// Flush keeps the stream flushing through the wrapper (gqlgen's SSE requires an http.Flusher).
func (w *sseWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *sseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
