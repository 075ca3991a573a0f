package paging_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/paging"
)

// FuzzParse: `after` is accepted only as a cursor Ponte issued, byte for byte (re-encoding gives
// it back), at a UTC instant of whole microseconds; any other `after`, and a negative `first`,
// is BAD_USER_INPUT on that argument; `first` is capped at MaxFirst. Every cursor Encode makes,
// for any instant and key, parses back to the same position.
func FuzzParse(f *testing.F) {
	id := uuid.MustParse("0b5c3f0e-8a7d-4c1e-9f3a-2d6e4b8a1c07")
	at := time.Date(2026, 11, 23, 13, 45, 0, 123456000, time.UTC)
	f.Add(paging.Cursor{At: at, ID: id}.Encode(), 20, at.UnixMicro(), id[:])
	f.Add(paging.Cursor{At: time.UnixMicro(0), ID: uuid.Nil}.Encode(), 0, int64(-1), []byte{})
	for _, s := range []string{"", "bogus", "YzE6MToy", "c1:0:" + id.String(), "YzE6LTE6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"} {
		f.Add(s, -1, int64(1)<<62, id[:8])
	}
	f.Add("", 101, int64(-1)<<62, id[:])
	f.Fuzz(func(t *testing.T, after string, first int, micros int64, keyBytes []byte) {
		p, err := paging.Parse(&first, &after)
		if e, ok := apperr.As(err); err != nil && (!ok || e.Code != apperr.BadInput || len(e.Field) != 1) {
			t.Fatalf("Parse(%d, %q): %v is not BAD_USER_INPUT on one argument", first, after, err)
		}
		switch {
		case first < 0:
			if e, _ := apperr.As(err); e == nil || !slices.Equal(e.Field, []string{"first"}) {
				t.Fatalf("Parse(%d, %q) = %+v, %v; want a refusal of first", first, after, p, err)
			}
			return
		case p.First != min(first, paging.MaxFirst):
			t.Fatalf("Parse(%d, %q): first = %d", first, after, p.First)
		}
		if err != nil {
			if e, _ := apperr.As(err); !slices.Equal(e.Field, []string{"after"}) || after == "" {
				t.Fatalf("Parse(%d, %q): %v", first, after, err)
			}
		} else if after == "" {
			if p.After != nil {
				t.Fatalf("Parse(%d, \"\") gave a cursor %+v", first, p.After)
			}
		} else {
			c := p.After
			if c == nil || c.At.Location() != time.UTC || c.At.Nanosecond()%1000 != 0 {
				t.Fatalf("Parse(%q) = %+v", after, c)
			}
			if again := c.Encode(); again != after {
				t.Fatalf("Parse(%q) = %s %s, which Ponte encodes as %q", after, c.At, c.ID, again)
			}
		}

		var key uuid.UUID
		copy(key[:], keyBytes)
		c := paging.Cursor{At: time.UnixMicro(micros), ID: key}
		s := c.Encode()
		p, err = paging.Parse(nil, &s)
		if err != nil || p.After == nil || !p.After.At.Equal(c.At) || p.After.ID != key || p.First != paging.DefaultFirst {
			t.Fatalf("cursor %+v encoded %q parses to %+v, %v", c, s, p, err)
		}
	})
}
