package receipts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"

	"github.com/google/uuid"
)

// authDomain separates receipt codes from any other HMAC made under the same key: a webhook
// signature can never be replayed as a receipt code, nor the other way round.
const authDomain = "ponte/receipts/authentication/v1"

// codeBytes is how much of the HMAC-SHA256 a code shows: 128 bits, printed as 32 hexadecimal
// digits in 8 groups of 4. Guessing a valid code for a given payment is a 2^-128 chance.
const codeBytes = 16

// Authenticate returns the authentication code of parts under key, in groups of four uppercase
// hexadecimal digits: "A1B2-C3D4-E5F6-0718-293A-4B5C-6D7E-8F90". The same key and parts always
// give the same code, so a code can be re-verified at any time (Verify); any change to a part, to
// their order or to the key gives an unrelated code. Parts are length-prefixed before hashing, so
// ("ab", "c") and ("a", "bc") differ.
//
// For a receipt the parts are AuthenticationParts(paymentID, ledgerTransactionID, finishedAt); see
// Receipt.Sign. key is the bank's receipt secret (at least 32 random bytes); it panics on an empty
// key, which would make every code forgeable: that is a configuration error to catch at startup.
func Authenticate(key []byte, parts ...string) string {
	return formatCode(mac(key, parts))
}

// Verify reports whether code is the authentication code of parts under key. It accepts the code
// as a person types it from paper: any case, with or without the dashes, with spaces. The
// comparison takes constant time. An empty key verifies nothing.
func Verify(key []byte, code string, parts ...string) bool {
	if len(key) == 0 {
		return false
	}
	got, ok := parseCode(code)
	return ok && hmac.Equal(got, mac(key, parts))
}

// AuthenticationParts returns what a receipt's code authenticates: the payment id, the ledger
// transaction id and the finished time. The time is taken in UTC to the microsecond (what
// PostgreSQL keeps), so a receipt rebuilt from the database verifies like the one built in memory
// when the payment finished.
func AuthenticationParts(paymentID, ledgerTransactionID uuid.UUID, finishedAt time.Time) []string {
	return []string{paymentID.String(), ledgerTransactionID.String(), stamp(finishedAt)}
}

func mac(key []byte, parts []string) []byte {
	if len(key) == 0 {
		panic("receipts: empty authentication key")
	}
	h := hmac.New(sha256.New, key)
	var n [8]byte
	write := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	write(authDomain)
	for _, p := range parts {
		write(p)
	}
	return h.Sum(nil)[:codeBytes]
}

func formatCode(b []byte) string {
	digits := strings.ToUpper(hex.EncodeToString(b))
	var sb strings.Builder
	for i := 0; i < len(digits); i += 4 {
		if i > 0 {
			sb.WriteByte('-')
		}
		sb.WriteString(digits[i : i+4])
	}
	return sb.String()
}

// parseCode reads a code back into its bytes, ignoring case, dashes and spaces.
func parseCode(code string) ([]byte, bool) {
	digits := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, code)
	if len(digits) != 2*codeBytes {
		return nil, false
	}
	b, err := hex.DecodeString(digits)
	return b, err == nil
}
