package observe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ponte-bff/ponte/reqid"
)

// TestRiversJobCountsAreDebugLines: River's per-queue counts and maintenance reports vanish at
// info level and appear at debug; its other lines keep their level.
func TestRiversJobCountsAreDebugLines(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		var buf bytes.Buffer
		log := slog.New(QuietRiver(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level})))
		log.Info("producer: Producer job counts", "queue", "default")
		log.Info("JobCleaner: Ran successfully", "num_jobs_deleted", 0)
		log.Info("jobexecutor.JobExecutor: Job errored")
		out := buf.String()
		if !strings.Contains(out, "Job errored") || !strings.Contains(out, "level=INFO") {
			t.Errorf("at %s, an ordinary info line is lost: %q", level, out)
		}
		counts := strings.Contains(out, "Producer job counts") && strings.Contains(out, "Ran successfully")
		if level == slog.LevelInfo && strings.Contains(out, "job counts") {
			t.Errorf("at info, the job counts are logged: %q", out)
		}
		if level == slog.LevelDebug && (!counts || strings.Count(out, "level=DEBUG") != 2) {
			t.Errorf("at debug, the job counts are not debug lines: %q", out)
		}
	}
}

// TestLinesOfARequestNameIt: a line logged with a request's context carries its id and caller,
// as does its access line; a line without one carries neither.
func TestLinesOfARequestNameIt(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewLogHandler(&buf, false, slog.LevelInfo))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		reqid.SetCaller(r.Context(), "erp", "tenant:erp")
		log.InfoContext(r.Context(), "working")
		w.WriteHeader(http.StatusTeapot)
	})
	h := reqid.Middleware(Requests(log, mux))
	req := httptest.NewRequest(http.MethodGet, "/things/42", nil)
	req.Header.Set(reqid.Header, "request-0001")
	h.ServeHTTP(httptest.NewRecorder(), req)
	log.Info("background")

	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	for _, l := range lines[:2] {
		if l["request_id"] != "request-0001" || l["tenant"] != "erp" || l["caller"] != "tenant:erp" {
			t.Errorf("a request's line lacks its request: %v", l)
		}
	}
	if a := lines[1]; a["msg"] != "request" || a["status"] != float64(http.StatusTeapot) || a["path"] != "/things/42" || a["method"] != "GET" {
		t.Errorf("access line %v", a)
	}
	if _, ok := lines[2]["request_id"]; ok {
		t.Errorf("a line outside requests names one: %v", lines[2])
	}
}

// TestOperationNamesAreBounded: past maxOperations distinct names, and for names that are not
// plain identifiers, the metrics label is "other".
func TestOperationNamesAreBounded(t *testing.T) {
	if got := operationLabel("a b"); got != "other" {
		t.Errorf("a name with a space: %q", got)
	}
	for i := range maxOperations + 10 {
		operationLabel(fmt.Sprintf("Op%d", i))
	}
	if got := operationLabel("OneMoreOp"); got != "other" {
		t.Errorf("past the bound: %q", got)
	}
	if got := operationLabel("Op1"); got != "Op1" {
		t.Errorf("a name seen before the bound: %q", got)
	}
}
