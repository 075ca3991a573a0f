package brazil_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/ponte-bff/ponte/brazil"
)

var mobileReasons = map[string]bool{
	brazil.ReasonLength: true, brazil.ReasonCharset: true, brazil.ReasonCountryCode: true,
	brazil.ReasonAreaCode: true, brazil.ReasonNotMobile: true,
}

// FuzzParseMobile: an accepted number is E.164 "+55" + DDD + 9 + eight digits, made of the
// input's digits alone (none dropped or invented beyond the country code), and a fixed point of
// ParseMobile with or without its country code; a refusal is a *MobileError with a known reason.
func FuzzParseMobile(f *testing.F) {
	for _, s := range []string{
		"21999998888", "(21) 99999-8888", "+55 21 99999-8888", "5521999998888", "+5521999998888",
		"  (21) 99999-8888 ", "55999998888", "99912345678", "20999998888", "01999998888", "21899998888",
		"2199998888", "219999988881", "+55 21 9999-8888", "", "+", "+1 212 555 0100", "4421999998888",
		"21 9999A-8888", "55+21999998888", "++5521999998888", "+ 55 (21) 9.9999-8888", "２１９９９９９８８８８",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := brazil.ParseMobile(s)
		if err != nil {
			var me *brazil.MobileError
			if !errors.As(err, &me) || !mobileReasons[me.Reason] || got != "" {
				t.Fatalf("ParseMobile(%q) = %q, %#v: not a MobileError with a known reason", s, got, err)
			}
			return
		}
		if len(got) != 14 || !strings.HasPrefix(got, "+55") || strings.Trim(got[1:], "0123456789") != "" {
			t.Fatalf("ParseMobile(%q) = %q, not +55 and 11 digits", s, got)
		}
		if got[3] == '0' || got[4] == '0' || got[5] != '9' {
			t.Fatalf("ParseMobile(%q) = %q: area code with a 0 or a subscriber number not starting with 9", s, got)
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			if unicode.IsDigit(r) {
				t.Fatalf("ParseMobile(%q) accepted the non-ASCII digit %q", s, r)
			}
			return -1
		}, s)
		if digits != got[1:] && digits != got[3:] {
			t.Fatalf("ParseMobile(%q) = %q, but the input's digits are %s", s, got, digits)
		}
		for _, again := range []string{got, got[1:], got[3:], "(" + got[3:5] + ") " + got[5:10] + "-" + got[10:]} {
			if back, err := brazil.ParseMobile(again); err != nil || back != got {
				t.Fatalf("ParseMobile(%q) = %q, but ParseMobile(%q) = %q, %v", s, got, again, back, err)
			}
		}
	})
}
