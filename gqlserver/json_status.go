package gqlserver

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
)

// jsonStatus shapes the answer to a request error (a document that does not parse or validate,
// variables that do not coerce, an operation the transport refuses) as GraphQL over HTTP asks:
//   - application/json: HTTP 200 (gqlgen answers 422);
//   - application/graphql-response+json: gqlgen's 4xx, and a body without the data entry (gqlgen
//     writes "data": null), which tells a client that nothing ran.
type jsonStatus struct {
	http.ResponseWriter
	wrote bool
	held  *bytes.Buffer // the body of a graphql-response+json error, until finish
}

func (w *jsonStatus) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
		switch {
		case status == http.StatusUnprocessableEntity && mt == "application/json":
			status = http.StatusOK
		case status >= 400 && mt == "application/graphql-response+json":
			w.held = new(bytes.Buffer)
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *jsonStatus) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.held != nil {
		return w.held.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// finish writes a held error body without its null data.
func (w *jsonStatus) finish() {
	if w.held == nil {
		return
	}
	body := w.held.Bytes()
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil && string(fields["data"]) == "null" {
		delete(fields, "data")
		if b, err := json.Marshal(fields); err == nil {
			body = b
		}
	}
	_, _ = w.ResponseWriter.Write(body)
}

// Flush lets multipart/mixed send each part as it is ready.
func (w *jsonStatus) Flush() {
	if w.held == nil {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *jsonStatus) Unwrap() http.ResponseWriter { return w.ResponseWriter }
