package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Standard Webhooks headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// secretPrefix marks a Standard Webhooks secret; the rest is base64.
const secretPrefix = "whsec_"

// Tolerance is how far a webhook-timestamp may be from the receiver's clock for Verify to accept
// it (the Standard Webhooks default): older messages may be replays.
const Tolerance = 5 * time.Minute

// Errors of Verify. Receivers answer any of them with a 4xx and do not process the message.
var (
	ErrMissingHeaders   = errors.New("webhooks: webhook-id, webhook-timestamp or webhook-signature missing")
	ErrInvalidTimestamp = errors.New("webhooks: webhook-timestamp is not unix seconds or is outside the tolerance")
	ErrInvalidSignature = errors.New("webhooks: no webhook-signature matches")
	ErrInvalidSecret    = errors.New("webhooks: the secret is not a whsec_ base64 secret")
)

// newSecret returns a fresh signing secret: "whsec_" and the base64 of 32 random bytes.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return secretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey decodes a secret, with or without its whsec_ prefix, into the HMAC key.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(key) == 0 {
		return nil, ErrInvalidSecret
	}
	return key, nil
}

// Sign returns the webhook-signature value of a message: "v1," and the base64 HMAC-SHA256, keyed
// with the secret's decoded bytes, of "<id>.<unix seconds>.<body>".
func Sign(secret, id string, timestamp time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, id, timestamp.Unix(), body)), nil
}

func mac(key []byte, id string, ts int64, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "%s.%d.", id, ts)
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a received webhook as a receiver must: the three headers are present, the
// timestamp is within Tolerance of now, and one of the space-separated signatures in
// webhook-signature is the v1 signature of body with secret. body must be the raw bytes received,
// before any JSON decoding. Errors: ErrMissingHeaders, ErrInvalidTimestamp, ErrInvalidSignature,
// ErrInvalidSecret.
func Verify(secret string, headers http.Header, body []byte) error {
	return verifyAt(secret, headers, body, time.Now())
}

func verifyAt(secret string, headers http.Header, body []byte, now time.Time) error {
	key, err := secretKey(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := headers.Get(HeaderID), headers.Get(HeaderTimestamp), headers.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return ErrMissingHeaders
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrInvalidTimestamp
	}
	if d := now.Sub(time.Unix(ts, 0)); d > Tolerance || d < -Tolerance {
		return ErrInvalidTimestamp
	}
	want := mac(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		version, sig, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrInvalidSignature
}
