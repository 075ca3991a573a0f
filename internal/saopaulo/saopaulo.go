// Package saopaulo is the bank's civil clock: America/Sao_Paulo, where business days, limits,
// statement dates and the TED window turn. The tz database is embedded (time/tzdata), so the zone
// loads on a machine without one; one definition serves every package.
package saopaulo

import (
	"time"
	_ "time/tzdata" // the zone must load even where the system has no tz database
)

// Location is America/Sao_Paulo.
var Location = func() *time.Location {
	loc, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		panic("saopaulo: " + err.Error()) // cannot happen with time/tzdata embedded
	}
	return loc
}()
