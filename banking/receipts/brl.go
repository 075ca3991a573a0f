package receipts

import (
	"strconv"

	"github.com/ponte-bff/ponte/money"
)

// FormatBRL prints an amount the way Brazilians read it: "R$ 1.234,56", with a dot between
// thousands and a comma before the centavos; a negative amount is "-R$ 10,00".
func FormatBRL(c money.Cents) string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign, u = "-", uint64(-(c+1))+1 // safe for math.MinInt64
	}
	reais := strconv.FormatUint(u/100, 10)
	grouped := make([]byte, 0, len(reais)+len(reais)/3)
	for i := range len(reais) {
		if i > 0 && (len(reais)-i)%3 == 0 {
			grouped = append(grouped, '.')
		}
		grouped = append(grouped, reais[i])
	}
	cents := u % 100
	return sign + "R$ " + string(grouped) + "," + string([]byte{'0' + byte(cents/10), '0' + byte(cents%10)})
}
