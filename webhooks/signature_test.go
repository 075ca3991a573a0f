package webhooks_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/webhooks"
)

// The Standard Webhooks reference vector: a receiver's off-the-shelf library verifies what
// Ponte signs only if this comes out exactly.
func TestSignMatchesTheStandardWebhooksVector(t *testing.T) {
	got, err := webhooks.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func signed(t *testing.T, secret, id string, at time.Time, body string) http.Header {
	t.Helper()
	sig, err := webhooks.Sign(secret, id, at, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set(webhooks.HeaderID, id)
	h.Set(webhooks.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(webhooks.HeaderSignature, sig)
	return h
}

func TestVerify(t *testing.T) {
	const secret, other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
	body := `{"id":"evt_1"}`
	now := time.Now()
	t.Run("Valid", func(t *testing.T) {
		if err := webhooks.Verify(secret, signed(t, secret, "evt_1", now, body), []byte(body)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("AnyOfSeveralSignatures", func(t *testing.T) {
		h := signed(t, secret, "evt_1", now, body)
		h.Set(webhooks.HeaderSignature, "v1,bm9wZQ== v2,whatever "+h.Get(webhooks.HeaderSignature))
		if err := webhooks.Verify(secret, h, []byte(body)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrInvalidSignature", func(t *testing.T) {
		cases := map[string]func() (string, http.Header, string){
			"OtherSecret": func() (string, http.Header, string) { return other, signed(t, secret, "evt_1", now, body), body },
			"ChangedBody": func() (string, http.Header, string) { return secret, signed(t, secret, "evt_1", now, body), body + " " },
			"ChangedID": func() (string, http.Header, string) {
				return secret, with(signed(t, secret, "evt_1", now, body), webhooks.HeaderID, "evt_2"), body
			},
			"UnknownLabel": func() (string, http.Header, string) {
				return secret, relabel(signed(t, secret, "evt_1", now, body)), body
			},
		}
		for name, c := range cases {
			s, h, b := c()
			if err := webhooks.Verify(s, h, []byte(b)); !errors.Is(err, webhooks.ErrInvalidSignature) {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
	t.Run("ErrInvalidTimestamp", func(t *testing.T) {
		for _, at := range []time.Time{now.Add(-6 * time.Minute), now.Add(6 * time.Minute)} {
			if err := webhooks.Verify(secret, signed(t, secret, "evt_1", at, body), []byte(body)); !errors.Is(err, webhooks.ErrInvalidTimestamp) {
				t.Errorf("at %s: %v", at, err)
			}
		}
	})
	t.Run("ErrMissingHeaders", func(t *testing.T) {
		h := signed(t, secret, "evt_1", now, body)
		h.Del(webhooks.HeaderSignature)
		if err := webhooks.Verify(secret, h, []byte(body)); !errors.Is(err, webhooks.ErrMissingHeaders) {
			t.Fatal(err)
		}
	})
	t.Run("ErrInvalidSecret", func(t *testing.T) {
		if err := webhooks.Verify("whsec_***", signed(t, secret, "evt_1", now, body), []byte(body)); !errors.Is(err, webhooks.ErrInvalidSecret) {
			t.Fatal(err)
		}
	})
}

func with(h http.Header, k, v string) http.Header { h.Set(k, v); return h }

func relabel(h http.Header) http.Header {
	h.Set(webhooks.HeaderSignature, strings.Replace(h.Get(webhooks.HeaderSignature), "v1,", "v1a,", 1))
	return h
}

func TestMessageIDRoundTrip(t *testing.T) {
	if id, ok := webhooks.ParseMessageID(webhooks.MessageID(42)); !ok || id != 42 {
		t.Fatalf("%d %v", id, ok)
	}
	for _, s := range []string{"42", "evt_", "evt_x", "msg_42", "evt_-1"} {
		if _, ok := webhooks.ParseMessageID(s); ok {
			t.Errorf("%q parsed", s)
		}
	}
}
