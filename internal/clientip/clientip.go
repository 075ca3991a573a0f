// Package clientip carries the address of the client an HTTP request came from in its context,
// for what is limited per client (verifyReceipt). It is the TCP peer's address: forwarding headers
// (X-Forwarded-For) are not trusted, since any client can write them. Behind a reverse proxy every
// client is the proxy; limit per client there.
package clientip

import (
	"context"
	"net"
	"net/http"
)

type key struct{}

// Middleware puts the request's client address in its context.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), key{}, Of(r))))
	})
}

// Of is r's client address: the TCP peer's IP, without the port.
func Of(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// From is the client address Middleware put in ctx, "" when there is none.
func From(ctx context.Context) string {
	ip, _ := ctx.Value(key{}).(string)
	return ip
}
