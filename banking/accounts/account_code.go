package accounts

import (
	"crypto/rand"
	"math/big"
	"strconv"
)

// New account numbers are drawn at random from [minAccountNumber, maxAccountNumber] (seven
// digits, so every new code has eight with its check digit), never in sequence: a code says
// nothing about its neighbours, and walking the codes around a known one finds no customers
// (the early codes, from a sequence starting at 100000, stay as they were). With 9 million
// numbers, a collision is rare and retried (openBankAccount).
const (
	minAccountNumber = 1_000_000
	maxAccountNumber = 9_999_999
)

// randomAccountNumber draws a number for a new payment account, uniformly, from crypto/rand.
func randomAccountNumber() (int64, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(maxAccountNumber-minAccountNumber+1))
	if err != nil {
		return 0, err
	}
	return minAccountNumber + n.Int64(), nil
}

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
