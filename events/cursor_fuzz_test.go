package events_test

import (
	"math"
	"testing"

	"github.com/ponte-bff/ponte/events"
)

// FuzzParseCursor: a stream cursor is accepted only as Ponte issued it, byte for byte (String
// gives the input back), and every Cursor, whatever its numbers, parses back from its String.
func FuzzParseCursor(f *testing.F) {
	for _, c := range []events.Cursor{{XID: 123456789, ID: 42}, {}, {XID: math.MaxUint64, ID: math.MaxInt64}, {XID: 1, ID: -1}} {
		f.Add(c.String(), c.XID, c.ID)
	}
	for _, s := range []string{"", "nope", "ZTE6MToy" /* e1:1:2 */, "e1:1:2", "ZTE6MToyOjM" /* e1:1:2:3 */} {
		f.Add(s, uint64(7), int64(math.MinInt64))
	}
	f.Fuzz(func(t *testing.T, s string, xid uint64, id int64) {
		if c, err := events.ParseCursor(s); err == nil {
			if again := c.String(); again != s {
				t.Fatalf("ParseCursor(%q) = %+v, which Ponte encodes as %q", s, c, again)
			}
		} else if c != (events.Cursor{}) {
			t.Fatalf("ParseCursor(%q) refused (%v) with %+v", s, err, c)
		}
		c := events.Cursor{XID: xid, ID: id}
		if back, err := events.ParseCursor(c.String()); err != nil || back != c {
			t.Fatalf("%+v encoded %q parses to %+v, %v", c, c.String(), back, err)
		}
	})
}
