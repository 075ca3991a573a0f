package globalid_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/ponte-bff/ponte/globalid"
)

func TestRoundTrip(t *testing.T) {
	id := uuid.New()
	s := globalid.Encode(globalid.Account, id)
	typ, got, ok := globalid.Decode(s)
	if !ok || typ != globalid.Account || got != id {
		t.Fatalf("Decode(%q) = %v %v %v", s, typ, got, ok)
	}
	if _, ok := globalid.DecodeAs(s, globalid.Tenant); ok {
		t.Fatal("an Account ID decoded as a Tenant ID")
	}
}

func TestDecodeRejectsForeignIDs(t *testing.T) {
	for _, s := range []string{"", "1", "not base64!", uuid.NewString(), "cDE6QWNjb3VudDp4eXo", "QWNjb3VudDo"} {
		if _, _, ok := globalid.Decode(s); ok {
			t.Errorf("Decode(%q) accepted", s)
		}
	}
}

func TestEncodeIsBase64OfTheTypeAndTheCanonicalUUID(t *testing.T) {
	for _, typ := range []globalid.Type{globalid.Account, globalid.Entry, globalid.ContactBank, globalid.Type(strings.Repeat("X", 40))} {
		for range 100 {
			id := uuid.New()
			want := base64.RawURLEncoding.EncodeToString([]byte("p1:" + string(typ) + ":" + id.String()))
			if got := globalid.Encode(typ, id); got != want {
				t.Fatalf("Encode(%s, %s) = %s, want %s", typ, id, got, want)
			}
		}
	}
}
