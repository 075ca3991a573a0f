package brazil

import (
	"fmt"
	"strings"
)

// Reasons specific to MobileError; ReasonLength and ReasonCharset are
// shared with DocumentError.
const (
	ReasonCountryCode = "country_code" // a country code other than 55
	ReasonAreaCode    = "area_code"    // DDD not assigned by ANATEL
	ReasonNotMobile   = "not_mobile"   // subscriber number does not start with 9
)

// MobileError explains why a phone number was rejected. Reason is one of the
// Reason* constants and is what code should test; Message is for people.
type MobileError struct {
	Reason  string
	Message string
}

func (e *MobileError) Error() string { return e.Message }

func mobileErr(reason, format string, args ...any) error {
	return &MobileError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// ParseMobile validates a Brazilian mobile number and returns it in E.164
// ("+5521999998888"). It accepts "21999998888", "(21) 99999-8888",
// "+55 21 99999-8888" and "5521999998888": an optional country code 55, a
// two-digit DDD, then nine digits starting with 9. Landlines are rejected
// because the number is used to reach the customer by SMS.
func ParseMobile(s string) (string, error) {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	s = strings.TrimPrefix(s, "+")

	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '(' || r == ')' || r == '-' || r == '.':
			// Usual separators; only the digits carry meaning.
		default:
			return "", mobileErr(ReasonCharset, "phone number may contain only digits, spaces, ( ) - and a leading +, found %q", r)
		}
	}
	n := b.String()

	// After "+" a country code must follow; without "+", 13 digits can
	// only be country code + DDD + number.
	if plus || len(n) == 13 {
		if !strings.HasPrefix(n, "55") {
			return "", mobileErr(ReasonCountryCode, "only Brazilian numbers (country code +55) are accepted")
		}
		n = n[2:]
	}
	if len(n) != 11 {
		return "", mobileErr(ReasonLength, "a Brazilian mobile number has 11 digits (2-digit area code + 9-digit number), got %d", len(n))
	}
	if ddd := n[:2]; !validDDD(int(ddd[0]-'0')*10 + int(ddd[1]-'0')) {
		return "", mobileErr(ReasonAreaCode, "%s is not a Brazilian area code (DDD)", ddd)
	}
	if n[2] != '9' {
		return "", mobileErr(ReasonNotMobile, "a mobile number starts with 9 after the area code, got %c; landlines are not accepted", n[2])
	}
	return "+55" + n, nil
}

// validDDD reports whether d is an area code assigned by ANATEL. The gaps
// (20, 23, 25, 26, 29, 30, 36, 39, 40, 50, 52, 56-60, 70, 72, 76, 78, 80, 90)
// are unassigned, so a number using them is a typo.
func validDDD(d int) bool {
	switch {
	case d >= 11 && d <= 19,
		d == 21, d == 22, d == 24, d == 27, d == 28,
		d >= 31 && d <= 35, d == 37, d == 38,
		d >= 41 && d <= 49,
		d == 51, d >= 53 && d <= 55,
		d >= 61 && d <= 69,
		d == 71, d >= 73 && d <= 75, d == 77, d == 79,
		d >= 81 && d <= 89,
		d >= 91 && d <= 99:
		return true
	}
	return false
}
