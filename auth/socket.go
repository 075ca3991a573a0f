package auth

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// CloseTokenExpired is the close code of a socket whose access token expired (graphql-transport-ws
// uses 4401 for "Unauthorized"): the client gets a new token and reconnects.
const CloseTokenExpired = 4401

// socketCloseKey carries, from the HTTP upgrade to the socket, the close code to use instead of
// gqlgen's "normal closure" when Ponte ends the connection itself.
type socketCloseKey struct{}

// ExpiringSockets wraps gqlgen's WebSocket implementation so that a socket Ponte closes because
// its token expired says so with 4401, instead of the 1000 gqlgen always sends when the
// connection's context ends (a client would take 1000 as "done" and not re-authenticate).
type ExpiringSockets struct {
	Inner transport.WebsocketImplementation
}

// Accept upgrades the connection.
func (s ExpiringSockets) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	code, _ := r.Context().Value(socketCloseKey{}).(*atomic.Int32)
	conn, err := s.Inner.Accept(w, r, opts)
	if err != nil || code == nil {
		return conn, err
	}
	return &closingConn{WebsocketConn: conn, code: code}, nil
}

// closingConn replaces a normal close by the code set on the connection, if any.
type closingConn struct {
	transport.WebsocketConn
	code *atomic.Int32
}

func (c *closingConn) WriteClose(code int, message string) error {
	if override := c.code.Load(); override != 0 && code == transport.WebsocketCloseNormalClosure {
		return c.WebsocketConn.WriteClose(int(override), "access token expired")
	}
	return c.WebsocketConn.WriteClose(code, message)
}

// SetReadLimit keeps gqlgen's payload limit working through the wrapper.
func (c *closingConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

// SetReadDeadline keeps gqlgen's ping/pong timeout working through the wrapper.
func (c *closingConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

// withSocketClose prepares an upgrade request to carry a close code.
func withSocketClose(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), socketCloseKey{}, new(atomic.Int32)))
}

// expireAt ends the socket's context when its token expires, closing it with 4401.
func expireAt(ctx context.Context, at time.Time) context.Context {
	code, _ := ctx.Value(socketCloseKey{}).(*atomic.Int32)
	if at.IsZero() || code == nil {
		return ctx
	}
	ctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(time.Until(at), func() {
		code.Store(CloseTokenExpired)
		cancel()
	})
	context.AfterFunc(ctx, func() { timer.Stop() }) // a socket closed earlier leaves no timer behind
	return ctx
}
