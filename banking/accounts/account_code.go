package accounts

import (
	"strconv"
)

// AccountCode appends a mod-11 check digit to an account number, as Stone's account codes carry
// one ("account_code: código da conta com o dígito verificador"). Weights 2..9 repeat from the
// rightmost digit; a result of 10 or 11 becomes 0, the usual convention for numeric-only digits.
func AccountCode(number int64) string {
	digits := strconv.FormatInt(number, 10)
	return digits + strconv.Itoa(checkDigit(digits))
}

// ValidAccountCode reports whether code ends in the right check digit.
func ValidAccountCode(code string) bool {
	if len(code) < 2 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	body, dv := code[:len(code)-1], int(code[len(code)-1]-'0')
	return checkDigit(body) == dv
}

func checkDigit(digits string) int {
	sum, weight := 0, 2
	for i := len(digits) - 1; i >= 0; i-- {
		sum += int(digits[i]-'0') * weight
		weight++
		if weight > 9 {
			weight = 2
		}
	}
	dv := 11 - sum%11
	if dv >= 10 {
		return 0
	}
	return dv
}
