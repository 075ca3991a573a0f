// Package paging implements Relay cursor pagination over keysets: a cursor is the (time, id) of the
// last row seen, never an OFFSET, so pages stay correct while rows are inserted.
package paging

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/ponte-bff/ponte/apperr"
)

// MaxFirst caps `first` on every connection (API.md).
const MaxFirst = 100

// DefaultFirst is the page size when `first` is absent.
const DefaultFirst = 20

// Cursor points just after one row of a keyset ordered by (At, ID).
type Cursor struct {
	At time.Time
	ID uuid.UUID
}

// Encode returns the opaque cursor string.
func (c Cursor) Encode() string {
	// In stack buffers: a page encodes one cursor per row.
	var raw [64]byte
	b := strconv.AppendInt(append(raw[:0], "c1:"...), c.At.UnixMicro(), 10)
	b = append(append(b, ':'), c.ID.String()...)
	var out [88]byte
	n := base64.RawURLEncoding.EncodedLen(len(b))
	if n > len(out) {
		return base64.RawURLEncoding.EncodeToString(b)
	}
	base64.RawURLEncoding.Encode(out[:n], b)
	return string(out[:n])
}

// Page is a validated page request.
type Page struct {
	First int
	After *Cursor
}

// Parse validates `first` and `after` as the connection arguments of a GraphQL field.
func Parse(first *int, after *string) (Page, error) {
	p := Page{First: DefaultFirst}
	if first != nil {
		switch {
		case *first < 0:
			return p, apperr.Field(apperr.BadInput, []string{"first"}, "first must not be negative")
		case *first > MaxFirst:
			p.First = MaxFirst
		default:
			p.First = *first
		}
	}
	if after != nil && *after != "" {
		c, ok := decode(*after)
		if !ok {
			return p, apperr.Field(apperr.BadInput, []string{"after"}, "after is not a cursor this connection issued")
		}
		p.After = &c
	}
	return p, nil
}

func decode(s string) (Cursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, false
	}
	parts := strings.Split(string(raw), ":")
	if len(parts) != 3 || parts[0] != "c1" {
		return Cursor{}, false
	}
	us, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return Cursor{}, false
	}
	id, err := uuid.Parse(parts[2])
	if err != nil {
		return Cursor{}, false
	}
	// Only the spelling Encode gives (no "+7", "007", upper-case UUID, stray base64 bits).
	c := Cursor{At: time.UnixMicro(us).UTC(), ID: id}
	if c.Encode() != s {
		return Cursor{}, false
	}
	return c, true
}
