package auth

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ponte-bff/ponte/apperr"
)

// Middleware authenticates every request that carries a bearer token and refuses those that
// must carry one and do not. WebSocket upgrades pass through: browsers cannot set headers on
// them, so their token arrives in connection_init and is checked there (see WebsocketInit).
// allowAnonymous may let some token-less requests through (the IDE's schema introspection).
func (a *Authenticator) Middleware(log *slog.Logger, allowAnonymous func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isWebsocketUpgrade(r) {
				defer a.track()() // Drain waits for the socket to close
				next.ServeHTTP(w, withSocket(r))
				return
			}
			raw, ok := bearer(r.Header.Get("Authorization"))
			if !ok {
				if r.Header.Get("Authorization") == "" && allowAnonymous != nil && allowAnonymous(r) {
					next.ServeHTTP(w, r)
					return
				}
				WriteError(w, http.StatusUnauthorized, &apperr.Error{Code: apperr.Unauthenticated, Reason: ReasonMissing,
					Message: "a bearer access token is required (Authorization: Bearer <token>)"})
				return
			}
			c, err := a.Authenticate(r.Context(), raw)
			if err != nil {
				status := http.StatusUnauthorized
				switch apperr.CodeOf(err) {
				case apperr.Forbidden:
					status = http.StatusForbidden
				case apperr.Unavailable: // the cause names hosts and users: logs only
					log.ErrorContext(r.Context(), "authenticate", "err", err)
					status = http.StatusServiceUnavailable
				case apperr.Internal:
					log.ErrorContext(r.Context(), "authenticate", "err", err)
					status = http.StatusInternalServerError
					err = apperr.E(apperr.Internal, "internal error")
				}
				WriteError(w, status, err)
				return
			}
			r = r.WithContext(WithCaller(r.Context(), c))
			if isEventStream(r) { // ends when the token expires (and when a stream guard ends it)
				a.serveEventStream(next, w, r, c.Expiry)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

func isWebsocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// WriteError answers with a GraphQL-shaped error body, so clients parse one format everywhere.
func WriteError(w http.ResponseWriter, status int, err error) {
	e, ok := apperr.As(err)
	if !ok {
		e = apperr.E(apperr.Internal, "internal error")
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	ext := map[string]any{"code": string(e.Code)}
	if e.Reason != "" {
		ext["reason"] = e.Reason
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": e.Message, "extensions": ext}},
	})
}
