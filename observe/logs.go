package observe

import (
	"context"
	"io"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel/trace"

	"github.com/ponte-bff/ponte/reqid"
)

// NewLogHandler writes logs to w at level and above: JSON, or text when text is true (development,
// for people reading a terminal). Every line written with a request's context names the request
// and its caller (WithRequest).
func NewLogHandler(w io.Writer, text bool, level slog.Leveler) slog.Handler {
	opts := &slog.HandlerOptions{Level: level}
	if text {
		return WithRequest(slog.NewTextHandler(w, opts))
	}
	return WithRequest(slog.NewJSONHandler(w, opts))
}

// WithRequest wraps h so that every record logged with a context (the *Context methods of
// slog.Logger) carries what that context says of the request behind it: request_id, tenant (a
// tenant caller's client id), caller, and the trace_id and span_id of its span. A handler already
// wrapped is returned as is.
func WithRequest(h slog.Handler) slog.Handler {
	if _, ok := h.(requestHandler); ok {
		return h
	}
	return requestHandler{h}
}

type requestHandler struct{ inner slog.Handler }

func (h requestHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h requestHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil {
		if id := reqid.From(ctx); id != "" {
			r.AddAttrs(slog.String("request_id", id))
			s := reqid.InfoFrom(ctx).Snapshot()
			if s.Tenant != "" {
				r.AddAttrs(slog.String("tenant", s.Tenant))
			}
			if s.Caller != "" {
				r.AddAttrs(slog.String("caller", s.Caller))
			}
		}
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
		}
	}
	return h.inner.Handle(ctx, r)
}

func (h requestHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestHandler{h.inner.WithAttrs(as)}
}

func (h requestHandler) WithGroup(name string) slog.Handler {
	return requestHandler{h.inner.WithGroup(name)}
}

// QuietRiver wraps the handler of River's logger: River's periodic per-queue job counts
// ("Producer job counts") and its maintenance services' routine reports go to debug level, so an
// idle server's info log stays quiet. Everything else keeps its level.
func QuietRiver(h slog.Handler) slog.Handler { return quietRiver{h} }

type quietRiver struct{ inner slog.Handler }

// routine is how River's routine messages end.
var routine = []string{": Producer job counts", ": Ran successfully"}

func (h quietRiver) Enabled(ctx context.Context, l slog.Level) bool {
	// Info records may turn out routine (debug): Handle decides once it sees the message.
	return h.inner.Enabled(ctx, l) || (l == slog.LevelInfo && h.inner.Enabled(ctx, slog.LevelDebug))
}

func (h quietRiver) Handle(ctx context.Context, r slog.Record) error {
	if r.Level == slog.LevelInfo {
		for _, suffix := range routine {
			if strings.HasSuffix(r.Message, suffix) {
				r.Level = slog.LevelDebug
				break
			}
		}
	}
	if !h.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return h.inner.Handle(ctx, r)
}

func (h quietRiver) WithAttrs(as []slog.Attr) slog.Handler { return quietRiver{h.inner.WithAttrs(as)} }
func (h quietRiver) WithGroup(name string) slog.Handler    { return quietRiver{h.inner.WithGroup(name)} }
