package paging_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/paging"
)

func ptr[T any](v T) *T { return &v }

func TestParse(t *testing.T) {
	t.Run("DefaultsAndCap", func(t *testing.T) {
		p, err := paging.Parse(nil, nil)
		if err != nil || p.First != paging.DefaultFirst || p.After != nil {
			t.Fatalf("Parse(nil,nil) = %+v, %v", p, err)
		}
		p, _ = paging.Parse(ptr(1000), nil)
		if p.First != paging.MaxFirst {
			t.Fatalf("first=1000 gave %d, want the cap %d", p.First, paging.MaxFirst)
		}
	})
	t.Run("ErrNegativeFirst", func(t *testing.T) {
		if _, err := paging.Parse(ptr(-1), nil); apperr.CodeOf(err) != apperr.BadInput {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("CursorRoundTrip", func(t *testing.T) {
		c := paging.Cursor{At: time.Now().UTC().Truncate(time.Microsecond), ID: uuid.New()}
		p, err := paging.Parse(nil, ptr(c.Encode()))
		if err != nil || p.After == nil || !p.After.At.Equal(c.At) || p.After.ID != c.ID {
			t.Fatalf("Parse(cursor) = %+v, %v", p.After, err)
		}
	})
	t.Run("ErrForeignCursor", func(t *testing.T) {
		if _, err := paging.Parse(nil, ptr("bogus")); apperr.CodeOf(err) != apperr.BadInput {
			t.Fatalf("err = %v", err)
		}
	})
}
