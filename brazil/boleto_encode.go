package brazil

import (
	"fmt"
	"strconv"
)

// EncodeBoleto builds the barcode and typed line of a boleto de cobrança that bank issues: the
// currency 9, the due-date factor of due (DueDateFactor, with the 2025 reset), the amount in
// centavos (at most 10 digits) and the bank's 25-digit free field, with the general check digit
// and the three field check digits of the line. It is ParseBoleto's inverse: parsing the barcode
// or the line gives back the same Boleto.
func EncodeBoleto(bank string, due Date, amountCents int64, freeField string) (Boleto, error) {
	if len(bank) != 3 || !allDigits(bank, 3) {
		return Boleto{}, fmt.Errorf("brazil: bank code %q is not 3 digits", bank)
	}
	if len(freeField) != 25 || !allDigits(freeField, 25) {
		return Boleto{}, fmt.Errorf("brazil: the free field must be 25 digits, got %q", freeField)
	}
	if amountCents < 0 || amountCents > 9_999_999_999 {
		return Boleto{}, fmt.Errorf("brazil: amount %d centavos does not fit the barcode's 10 digits", amountCents)
	}
	factor, ok := DueDateFactor(due)
	if !ok {
		return Boleto{}, fmt.Errorf("brazil: %s has no due-date factor", due)
	}
	rest := bank + "9" // the 43 digits without the general DV: bank, currency, factor, amount, free field
	tail := strconv.Itoa(factor) + fmt.Sprintf("%010d", amountCents) + freeField
	bc := rest + digitChar(boletoDV(rest+tail)) + tail
	return Boleto{Barcode: bc, Line: boletoLine(bc), BankCode: bank, DueFactor: factor, AmountCents: amountCents, FreeField: freeField}, nil
}
