package boletos

import (
	"fmt"

	"github.com/ponte-bff/ponte/brazil"
)

// code is a boleto's our number, barcode and typed line.
type code struct {
	ourNumber, barcode, line string
}

// codeFor builds the code of the seq-th boleto: its our number (nosso número) is the sequence in
// 16 digits and a module-11 check digit, 17 digits in all, unique across the bank; the free field
// (25 digits) is the branch (4), the our number (17) and the portfolio "0000" (4), so the code
// alone names the boleto (OurNumberOf).
func codeFor(seq int64, due brazil.Date, amount int64) (code, error) {
	if seq <= 0 || seq >= 1e16 {
		return code{}, fmt.Errorf("boletos: our-number sequence %d out of range", seq)
	}
	body := fmt.Sprintf("%016d", seq)
	our := body + string(rune('0'+ourNumberDV(body)))
	b, err := brazil.EncodeBoleto(stoneBankCode, due, amount, stoneBranch+our+"0000")
	if err != nil {
		return code{}, err
	}
	return code{ourNumber: our, barcode: b.Barcode, line: b.Line}, nil
}

// ourNumberDV is the module-11 check digit of an our number (weights 2 to 9 from the right; 0
// when 11 - r is 10 or 11).
func ourNumberDV(s string) int {
	sum, w := 0, 2
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		if w++; w > 9 {
			w = 2
		}
	}
	d := 11 - sum%11
	if d >= 10 {
		return 0
	}
	return d
}

// OurNumberOf returns the our number a valid boleto code of Ponte's carries in its free field,
// and false for a code that is not one of Ponte's (another bank, another layout, a wrong check
// digit).
func OurNumberOf(b *brazil.Boleto) (string, bool) {
	if b == nil || b.BankCode != stoneBankCode || len(b.FreeField) != 25 || b.FreeField[:4] != stoneBranch || b.FreeField[21:] != "0000" {
		return "", false
	}
	our := b.FreeField[4:21]
	if int(our[16]-'0') != ourNumberDV(our[:16]) {
		return "", false
	}
	return our, true
}
