package receipts

import (
	"fmt"
	"time"

	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
)

// brasilia is the civil time receipts are printed in. Without a tz database Brasília is UTC-03:00,
// which it has been all year since daylight saving time ended in 2019.
var brasilia = saopaulo.Location

// FormatTime prints an instant as a receipt shows it, in Brasília's civil time:
// "23/11/2026 14:05:09 (horário de Brasília)".
func FormatTime(t time.Time) string {
	return t.In(brasilia).Format("02/01/2006 15:04:05") + " (horário de Brasília)"
}

// FormatDate prints a calendar date as "23/11/2026"; the zero Date prints as "".
func FormatDate(d brazil.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}
