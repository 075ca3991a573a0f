package webhooks

import (
	"encoding/json"
	"net/http"
)

// KeysPath is where Ponte publishes its webhook signing keys: the path Stone's own clients fetch
// Stone's keys from, so that a receiver written for Stone only changes its base URL.
const KeysPath = "/api/v1/discovery/keys"

// Routes mounts GET KeysPath: the JWKS of the keys that sign STONE webhooks (public, no
// authentication, like any JWKS). Receivers may cache it for its max-age and refetch when a
// kid is missing; a rotated-out key stays in it for Config.KeyOverlap, far longer.
func (s *Service) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+KeysPath, func(w http.ResponseWriter, r *http.Request) {
		set, err := s.JWKS(r.Context())
		if err != nil {
			s.log.ErrorContext(r.Context(), "webhooks: JWKS", "err", err)
			http.Error(w, "signing keys unavailable", http.StatusServiceUnavailable)
			return
		}
		body, err := json.Marshal(set)
		if err != nil {
			s.log.ErrorContext(r.Context(), "webhooks: JWKS", "err", err)
			http.Error(w, "signing keys unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(body)
	})
}
