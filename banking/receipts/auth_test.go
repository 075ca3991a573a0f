package receipts_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/receipts"
)

var (
	testKey   = []byte("ponte-test-receipt-key-0123456789abcdef")
	otherKey  = []byte("ponte-test-receipt-key-0123456789abcdeg")
	codeShape = regexp.MustCompile(`^[0-9A-F]{4}(-[0-9A-F]{4}){7}$`)
)

func TestAuthenticate(t *testing.T) {
	parts := []string{"payment", "transaction", "2026-11-23T17:05:09.000000Z"}
	code := receipts.Authenticate(testKey, parts...)

	t.Run("GroupsOfFourHexDigits", func(t *testing.T) {
		if !codeShape.MatchString(code) {
			t.Fatalf("code %q is not 8 groups of 4 uppercase hex digits", code)
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		if again := receipts.Authenticate(testKey, append([]string(nil), parts...)...); again != code {
			t.Fatalf("same key and parts gave %q then %q", code, again)
		}
	})
	t.Run("ChangesWithEveryPart", func(t *testing.T) {
		for i := range parts {
			changed := append([]string(nil), parts...)
			changed[i] += "x"
			if receipts.Authenticate(testKey, changed...) == code {
				t.Errorf("changing part %d left the code unchanged", i)
			}
		}
	})
	t.Run("ChangesWithOrderAndBoundaries", func(t *testing.T) {
		if receipts.Authenticate(testKey, parts[1], parts[0], parts[2]) == code {
			t.Error("swapping two parts left the code unchanged")
		}
		if receipts.Authenticate(testKey, "ab", "c") == receipts.Authenticate(testKey, "a", "bc") {
			t.Error(`("ab","c") and ("a","bc") have the same code`)
		}
		if receipts.Authenticate(testKey, parts[:2]...) == code {
			t.Error("dropping a part left the code unchanged")
		}
	})
	t.Run("ChangesWithKey", func(t *testing.T) {
		if receipts.Authenticate(otherKey, parts...) == code {
			t.Error("another key gave the same code")
		}
	})
	t.Run("PanicsOnEmptyKey", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("Authenticate with an empty key did not panic")
			}
		}()
		receipts.Authenticate(nil, parts...)
	})
}

func TestVerify(t *testing.T) {
	parts := []string{"payment", "transaction", "2026-11-23T17:05:09.000000Z"}
	code := receipts.Authenticate(testKey, parts...)

	t.Run("AcceptsTheCode", func(t *testing.T) {
		if !receipts.Verify(testKey, code, parts...) {
			t.Fatal("Verify refused the code Authenticate made")
		}
	})
	t.Run("AcceptsTheCodeAsTypedFromPaper", func(t *testing.T) {
		for _, typed := range []string{
			strings.ToLower(code),
			strings.ReplaceAll(code, "-", ""),
			strings.ReplaceAll(code, "-", " "),
			" " + code + " ",
		} {
			if !receipts.Verify(testKey, typed, parts...) {
				t.Errorf("Verify refused %q", typed)
			}
		}
	})
	t.Run("RefusesOtherParts", func(t *testing.T) {
		if receipts.Verify(testKey, code, "payment", "transaction", "2026-11-23T17:05:10.000000Z") {
			t.Error("Verify accepted the code for another finished time")
		}
	})
	t.Run("RefusesOtherKey", func(t *testing.T) {
		if receipts.Verify(otherKey, code, parts...) {
			t.Error("Verify accepted the code under another key")
		}
	})
	t.Run("RefusesEmptyKey", func(t *testing.T) {
		if receipts.Verify(nil, code, parts...) {
			t.Error("Verify accepted a code under an empty key")
		}
	})
	t.Run("RefusesTamperedOrMalformedCodes", func(t *testing.T) {
		flipped := []byte(code)
		if flipped[0] == 'A' {
			flipped[0] = 'B'
		} else {
			flipped[0] = 'A'
		}
		for _, bad := range []string{
			string(flipped), code[:len(code)-1], code + "0", "", "ZZZZ" + code[4:],
		} {
			if receipts.Verify(testKey, bad, parts...) {
				t.Errorf("Verify accepted %q", bad)
			}
		}
	})
}

func TestReceiptSignCoversPaymentTransactionAndFinishedTime(t *testing.T) {
	r := receipts.Receipt{
		PaymentID:           uuid.MustParse("5f0c7a52-3b1e-4c1a-9d2f-0a4b6c8d0e12"),
		LedgerTransactionID: uuid.MustParse("c3a1e9b0-7d44-4f5e-8a61-2b9c0d1e3f45"),
		FinishedAt:          time.Date(2026, 11, 23, 17, 5, 9, 123456789, time.UTC),
	}
	r.Sign(testKey)
	want := receipts.Authenticate(testKey,
		receipts.AuthenticationParts(r.PaymentID, r.LedgerTransactionID, r.FinishedAt)...)
	if r.AuthenticationCode != want {
		t.Fatalf("Sign set %q, want %q", r.AuthenticationCode, want)
	}
	if !r.Verify(testKey) {
		t.Fatal("a signed receipt does not verify")
	}

	t.Run("VerifiesAfterARoundTripThroughTheDatabase", func(t *testing.T) {
		// PostgreSQL keeps microseconds and may hand the time back in another zone.
		back := r
		back.FinishedAt = r.FinishedAt.Truncate(time.Microsecond).In(time.FixedZone("-03", -3*60*60))
		if !back.Verify(testKey) {
			t.Error("the same instant, truncated to microseconds and in Brasília, does not verify")
		}
	})
	for name, change := range map[string]func(*receipts.Receipt){
		"PaymentID":           func(r *receipts.Receipt) { r.PaymentID = uuid.MustParse("5f0c7a52-3b1e-4c1a-9d2f-0a4b6c8d0e13") },
		"LedgerTransactionID": func(r *receipts.Receipt) { r.LedgerTransactionID = uuid.Nil },
		"FinishedAt":          func(r *receipts.Receipt) { r.FinishedAt = r.FinishedAt.Add(time.Second) },
	} {
		t.Run("RefusesAChangeOf"+name, func(t *testing.T) {
			changed := r
			change(&changed)
			if changed.Verify(testKey) {
				t.Errorf("changing %s kept the code valid", name)
			}
		})
	}
	t.Run("RefusesAnotherKey", func(t *testing.T) {
		if r.Verify(otherKey) {
			t.Error("the receipt verifies under another key")
		}
	})
}
