package globalid_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/globalid"
)

// types is every Type Ponte issues IDs for.
var types = []globalid.Type{
	globalid.Account, globalid.BankAccount, globalid.Tenant, globalid.Consent, globalid.Entry,
	globalid.Transaction, globalid.Payment, globalid.Webhook, globalid.Delivery,
}

// FuzzDecode: Decode accepts only IDs in the form Ponte issues, byte for byte (re-encoding gives
// the input back, the key is not the nil UUID), and an ID decodes only as its own type. Every ID
// Encode makes decodes to its type and key. (An unknown type name still decodes: node(id:) and
// DecodeAs refuse it.)
func FuzzDecode(f *testing.F) {
	key := uuid.MustParse("0b5c3f0e-8a7d-4c1e-9f3a-2d6e4b8a1c07")
	for _, typ := range types {
		f.Add(globalid.Encode(typ, key), uint8(0), key[:])
	}
	for _, s := range []string{"", "1", "not base64!", key.String(), "cDE6QWNjb3VudDp4eXo", "QWNjb3VudDo",
		"cDE6OjA" /* p1::0 */} {
		f.Add(s, uint8(3), []byte{})
	}
	f.Fuzz(func(t *testing.T, s string, typeIndex uint8, keyBytes []byte) {
		if typ, id, ok := globalid.Decode(s); ok {
			if again := globalid.Encode(typ, id); again != s {
				t.Fatalf("Decode(%q) = %s %s, which Ponte encodes as %q", s, typ, id, again)
			}
			for _, other := range types {
				got, ok := globalid.DecodeAs(s, other)
				if other == typ {
					if !ok || got != id {
						t.Fatalf("DecodeAs(%q, %s) = %s, %v; Decode gives %s", s, other, got, ok, id)
					}
				} else if ok {
					t.Fatalf("%q, an ID of type %s, decodes as a %s", s, typ, other)
				}
			}
			if id == uuid.Nil {
				t.Fatalf("Decode(%q) = %q %s: the nil key", s, typ, id)
			}
		} else if typ != "" || id != uuid.Nil {
			t.Fatalf("Decode(%q) refused with %q %s", s, typ, id)
		}

		var id uuid.UUID
		copy(id[:], keyBytes)
		if id == uuid.Nil {
			return
		}
		typ := types[int(typeIndex)%len(types)]
		enc := globalid.Encode(typ, id)
		if gotType, got, ok := globalid.Decode(enc); !ok || gotType != typ || got != id {
			t.Fatalf("Encode(%s, %s) = %q decodes to %q %s %v", typ, id, enc, gotType, got, ok)
		}
		for _, other := range types {
			if _, ok := globalid.DecodeAs(enc, other); ok != (other == typ) {
				t.Fatalf("Encode(%s, %s) = %q: DecodeAs %s gives %v", typ, id, enc, other, ok)
			}
		}
	})
}
