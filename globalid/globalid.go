// Package globalid encodes Ponte's opaque global IDs: one codec for every Node, so that
// `node(id:)` can tell the type of any ID it is given. Clients must treat IDs as opaque strings.
package globalid

import (
	"encoding/base64"
	"strings"

	"github.com/google/uuid"
)

// Type names the kind of object an ID points at. They are part of the encoded ID: never rename one.
type Type string

const (
	Account     Type = "Account"
	BankAccount Type = "BankAccount"
	Tenant      Type = "Tenant"
	Consent     Type = "Consent"
	Entry       Type = "StatementEntry"
	Transaction Type = "LedgerTransaction"
	Payment     Type = "Payment"
	Webhook     Type = "WebhookEndpoint"
	Delivery    Type = "WebhookDelivery"
	Contact     Type = "Contact"
	ContactBank Type = "ContactBankAccount"
	Boleto      Type = "Boleto"
	Payroll     Type = "Payroll"
)

// prefix versions the encoding so it can change without breaking stored IDs.
const prefix = "p1:"

// Encode returns the opaque ID of an object.
func Encode(t Type, id uuid.UUID) string {
	// Built in stack buffers, one allocation (the string): a statement page encodes two IDs for
	// each of its entries.
	var raw [64]byte
	if len(prefix)+len(t)+1+36 > len(raw) { // a Type longer than any Ponte has
		return base64.RawURLEncoding.EncodeToString([]byte(prefix + string(t) + ":" + id.String()))
	}
	b := append(append(append(raw[:0], prefix...), t...), ':')
	b = appendUUID(b, id)
	var out [88]byte
	n := base64.RawURLEncoding.EncodedLen(len(b))
	base64.RawURLEncoding.Encode(out[:n], b)
	return string(out[:n])
}

// appendUUID appends id in its canonical form (uuid.UUID.String's), without allocating.
func appendUUID(b []byte, id uuid.UUID) []byte {
	for i, x := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[x>>4], hexDigits[x&0xf])
	}
	return b
}

const hexDigits = "0123456789abcdef"

// Decode returns the type and key of an opaque ID; ok is false for anything Ponte did not issue.
func Decode(s string) (t Type, id uuid.UUID, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", uuid.Nil, false
	}
	rest, found := strings.CutPrefix(string(raw), prefix)
	if !found {
		return "", uuid.Nil, false
	}
	typ, key, found := strings.Cut(rest, ":")
	if !found {
		return "", uuid.Nil, false
	}
	id, err = uuid.Parse(key)
	// uuid.Parse also reads upper case, braces and "urn:uuid:", and base64 ignores unused trailing
	// bits: only the one spelling Encode gives is an ID Ponte issued.
	if err != nil || id == uuid.Nil || Encode(Type(typ), id) != s {
		return "", uuid.Nil, false
	}
	return Type(typ), id, true
}

// DecodeAs decodes an ID that must be of type want.
func DecodeAs(s string, want Type) (uuid.UUID, bool) {
	t, id, ok := Decode(s)
	if !ok || t != want {
		return uuid.Nil, false
	}
	return id, true
}
