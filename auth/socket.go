package auth

import (
	"context"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// ExpiringSockets wraps gqlgen's WebSocket implementation so that a socket Ponte closes because
// its token expired says so with 4401, and one whose caller lost the right to it (a disabled
// tenant) with 4403, instead of the 1000 gqlgen always sends when the connection's context ends
// (a client would take 1000 as "done" and not re-authenticate).
type ExpiringSockets struct {
	Inner transport.WebsocketImplementation
}

// Accept upgrades the connection.
func (s ExpiringSockets) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	st := streamOf(r.Context())
	conn, err := s.Inner.Accept(w, r, opts)
	if err != nil || st == nil {
		return conn, err
	}
	return &closingConn{WebsocketConn: conn, s: st}, nil
}

// closingConn replaces a normal close by the code of why Ponte ended the connection, if it did.
type closingConn struct {
	transport.WebsocketConn
	s *stream
}

func (c *closingConn) WriteClose(code int, message string) error {
	if why := c.s.reason(); why != nil && code == transport.WebsocketCloseNormalClosure {
		code, message = closeCode(why)
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

// withSocket prepares an upgrade request to become a stream Ponte can end (WebsocketInit gives it
// its context once the token is known).
func withSocket(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), streamKey{}, &stream{}))
}
