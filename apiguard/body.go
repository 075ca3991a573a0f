package apiguard

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// MaxBody refuses request bodies larger than limit bytes with 413, before anything reads them,
// and caps what a handler can read when the length is not declared.
func MaxBody(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > limit || int64(len(r.URL.RawQuery)) > limit {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
					"message":    fmt.Sprintf("request is larger than the %d-byte limit", limit),
					"extensions": map[string]any{"code": "REQUEST_TOO_LARGE"},
				}}})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}
