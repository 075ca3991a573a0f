package boletos

import (
	"fmt"
	"strings"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Charges is how the amount due on a day is made up.
type Charges struct {
	Face     money.Cents
	Discount money.Cents // taken off: paid on or before a discount's date
	Fine     money.Cents // added once: paid from the fine's date on
	Interest money.Cents // added: the interest of every calendar day from the interest's date on
	Due      money.Cents // Face - Discount + Fine + Interest
}

// AmountDue is what a payment of b on day on must be, as FEBRABAN's rules apply it:
//   - on or before the due date (or, when that is no business day, the next business day, which
//     is not late): the face value less the discount whose date is the first on or after on;
//   - later: the face value plus the fine, once, from the fine's date on, plus the interest of
//     every calendar day from the interest's date (default: the day after the due date) to on.
//
// Rounding: each charge is computed exactly in integers over the whole period and rounded once,
// half up, to the centavo (never a day at a time): discount = face × rate, fine = face × rate,
// interest = face × monthly rate × days / 30.
func AmountDue(b *models.Boleto, on brazil.Date) Charges {
	c := Charges{Face: money.Cents(b.AmountCents)}
	due := brazil.DateOf(b.DueDate)
	if !on.After(brazil.BusinessDayOnOrAfter(due)) {
		var best *models.BoletoDiscount
		for i := range b.Discounts {
			d := &b.Discounts[i]
			if until := brazil.DateOf(d.Until); !until.Before(on) && (best == nil || until.Before(brazil.DateOf(best.Until))) {
				best = d
			}
		}
		if best != nil {
			c.Discount = percentOf(c.Face, best.RateBP, 1)
		}
	} else {
		if f := b.Fine; f != nil && !on.Before(brazil.DateOf(f.From)) {
			c.Fine = percentOf(c.Face, f.RateBP, 1)
		}
		if i := b.Interest; i != nil {
			if days := on.Sub(brazil.DateOf(i.From)) + 1; days > 0 {
				c.Interest = percentOf(c.Face*money.Cents(days), i.MonthlyRateBP, 30)
			}
		}
	}
	c.Due = c.Face - c.Discount + c.Fine + c.Interest
	return c
}

// percentOf is amount × bp / 10000 / div, rounded half up to the centavo. Boleto amounts (10
// digits) times days (a few hundred) times basis points (at most 10000) fit int64 by far.
func percentOf(amount money.Cents, bp int64, div int64) money.Cents {
	den := 10000 * div
	return money.Cents((int64(amount)*bp*2 + den) / (2 * den))
}

// Instructions are the lines printed on the slip about discounts, fine and interest, in
// Portuguese as a bank prints them ("Após 10/12/2026 cobrar multa de 2,00%").
func Instructions(b *models.Boleto) []string {
	var out []string
	for _, d := range b.Discounts {
		out = append(out, fmt.Sprintf("Até %s conceder desconto de %s%% (R$ %s)", brDate(brazil.DateOf(d.Until)), rate(d.RateBP),
			brl(percentOf(money.Cents(b.AmountCents), d.RateBP, 1))))
	}
	if f := b.Fine; f != nil {
		out = append(out, fmt.Sprintf("A partir de %s cobrar multa de %s%% (R$ %s)", brDate(brazil.DateOf(f.From)), rate(f.RateBP),
			brl(percentOf(money.Cents(b.AmountCents), f.RateBP, 1))))
	}
	if i := b.Interest; i != nil {
		out = append(out, fmt.Sprintf("A partir de %s cobrar juros de %s%% ao mês, R$ %s por dia de atraso", brDate(brazil.DateOf(i.From)),
			rate(i.MonthlyRateBP), brl(percentOf(money.Cents(b.AmountCents), i.MonthlyRateBP, 30))))
	}
	if Kind(b.Kind) == KindCobranca {
		out = append(out, fmt.Sprintf("Não receber após %s", brDate(brazil.DateOf(b.LimitDate))))
	} else {
		out = append(out, "Não receber após o vencimento")
	}
	return out
}

// rate is hundredths of a percent as "2,00".
func rate(bp int64) string { return fmt.Sprintf("%d,%02d", bp/100, bp%100) }

// brl is an amount as "1.234,56".
func brl(c money.Cents) string {
	s := c.String() // "1234.56"
	whole, cents, _ := strings.Cut(s, ".")
	var groups []string
	for len(whole) > 3 {
		groups = append([]string{whole[len(whole)-3:]}, groups...)
		whole = whole[:len(whole)-3]
	}
	groups = append([]string{whole}, groups...)
	return strings.Join(groups, ".") + "," + cents
}

func brDate(d brazil.Date) string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year) }
