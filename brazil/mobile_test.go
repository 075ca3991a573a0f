package brazil_test

import (
	"errors"
	"testing"

	"github.com/ponte-bff/ponte/brazil"
)

func TestParseMobile(t *testing.T) {
	const want = "+5521999998888"
	tests := []struct {
		name   string
		in     string
		want   string
		reason string // empty: must succeed
	}{
		{"accepts_bare_national", "21999998888", want, ""},
		{"accepts_masked_national", "(21) 99999-8888", want, ""},
		{"accepts_plus_country_code", "+55 21 99999-8888", want, ""},
		{"accepts_bare_country_code", "5521999998888", want, ""},
		{"accepts_E164", "+5521999998888", want, ""},
		{"trims_surrounding_spaces", "  (21) 99999-8888 ", want, ""},
		{"accepts_DDD_11", "11987654321", "+5511987654321", ""},
		{"accepts_DDD_55_without_country_code", "55999998888", "+5555999998888", ""},
		{"accepts_DDD_99", "99912345678", "+5599912345678", ""},
		{"rejects_unassigned_DDD_20", "20999998888", "", brazil.ReasonAreaCode},
		{"rejects_unassigned_DDD_23", "(23) 99999-8888", "", brazil.ReasonAreaCode},
		{"rejects_unassigned_DDD_10", "+55 10 99999-8888", "", brazil.ReasonAreaCode},
		{"rejects_DDD_starting_with_0", "01999998888", "", brazil.ReasonAreaCode},
		{"rejects_missing_leading_9", "21899998888", "", brazil.ReasonNotMobile},
		{"rejects_landline_with_padding", "(21) 3333-44445", "", brazil.ReasonNotMobile},
		{"rejects_old_8_digit_mobile", "2199998888", "", brazil.ReasonLength},
		{"rejects_too_long", "219999988881", "", brazil.ReasonLength},
		{"rejects_plus55_too_short", "+55 21 9999-8888", "", brazil.ReasonLength},
		{"rejects_empty", "", "", brazil.ReasonLength},
		{"rejects_foreign_country_code", "+1 212 555 0100", "", brazil.ReasonCountryCode},
		{"rejects_13_digits_not_starting_55", "4421999998888", "", brazil.ReasonCountryCode},
		{"rejects_letters", "21 9999A-8888", "", brazil.ReasonCharset},
		{"rejects_plus_in_the_middle", "55+21999998888", "", brazil.ReasonCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := brazil.ParseMobile(tt.in)
			if tt.reason == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParseMobile(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			var me *brazil.MobileError
			if !errors.As(err, &me) {
				t.Fatalf("ParseMobile(%q) = %q, %v; want *MobileError %s", tt.in, got, err, tt.reason)
			}
			if me.Reason != tt.reason {
				t.Fatalf("ParseMobile(%q): reason %q (%v), want %q", tt.in, me.Reason, err, tt.reason)
			}
		})
	}
}
