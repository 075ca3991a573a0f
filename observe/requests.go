package observe

import (
	"bufio"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/ponte-bff/ponte/reqid"
)

// Requests logs one access line per request and counts it in the HTTP metrics. It goes inside
// reqid.Middleware (the line names the request) and directly around the ServeMux, whose matched
// pattern names the route in the metrics (an unmatched path counts as "unmatched"): raw paths
// carry ids, which would make a series per object.
func Requests(log *slog.Logger, mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		inner := r.WithContext(r.Context()) // the mux records its matched pattern on the request it serves
		mux.ServeHTTP(rec, inner)
		took := time.Since(start)
		status := rec.status
		if status == 0 { // nothing written: net/http answers 200; a hijacked WebSocket answered 101
			status = http.StatusOK
			if rec.hijacked {
				status = http.StatusSwitchingProtocols
			}
		}
		info := reqid.InfoFrom(r.Context()).Snapshot()
		route := inner.Pattern
		if route == "" {
			route = "unmatched"
		}
		op := operationLabel(info.Operation)
		httpRequests.WithLabelValues(route, op, strconv.Itoa(status)).Inc()
		httpDuration.WithLabelValues(route, op).Observe(took.Seconds())
		if info.Throttled {
			throttled.Inc()
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", status),
			slog.Float64("duration_ms", float64(took.Microseconds())/1000),
		}
		if info.Operation != "" || route == "/graphql" {
			attrs = append(attrs, slog.String("operation", info.Operation), slog.Int("cost", info.Cost))
			if info.Throttled {
				attrs = append(attrs, slog.Bool("throttled", true))
			}
		}
		level := slog.LevelInfo
		if quiet[route] { // probes and scrapes, every few seconds: debug lines
			level = slog.LevelDebug
		}
		// The request id, tenant and caller come from the context (WithRequest).
		log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// quiet are the routes whose access lines are debug lines.
var quiet = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true}

// Operation names are the client's: the metrics keep at most maxOperations distinct plain
// names, then count the rest as "other", so that no client can grow the series without bound.
const maxOperations = 500

var (
	plainName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
	operations = struct {
		sync.Mutex
		seen map[string]bool
	}{seen: map[string]bool{}}
)

func operationLabel(name string) string {
	if name == "" {
		return ""
	}
	if !plainName.MatchString(name) {
		return "other"
	}
	operations.Lock()
	defer operations.Unlock()
	if operations.seen[name] {
		return name
	}
	if len(operations.seen) >= maxOperations {
		return "other"
	}
	operations.seen[name] = true
	return name
}

// statusRecorder notes the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusRecorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (flushes, deadlines, hijacking).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush keeps streaming responses (SSE) streaming through the recorder.
func (w *statusRecorder) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		f.Flush()
	}
}

// Hijack hands a WebSocket's connection over (status 101 was written by the upgrader).
func (w *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.hijacked = true
	}
	return conn, rw, err
}
