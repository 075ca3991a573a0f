// Package reqid gives every HTTP request an id, echoed in the X-Request-Id response header and
// kept in the request's context, so that audit rows (the event log) and logs name the request
// that caused them and a client can quote it to support, as Stone's x-request-id.
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
)

type key struct{}

// Header is the request and response header carrying the id.
const Header = "X-Request-Id"

// A client-sent id is kept only when it is short and plain, so it can never inject into logs.
var valid = regexp.MustCompile(`^[A-Za-z0-9._:-]{8,64}$`)

// Middleware sets the request id: the client's, when valid, or a new random one.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !valid.MatchString(id) {
			id = newID()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(withInfo(context.WithValue(r.Context(), key{}, id))))
	})
}

// From returns the request id of ctx, or "" outside a request.
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
