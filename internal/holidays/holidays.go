// Package holidays tells the dates and names of the public holidays that calendars close on.
// It implements desk.Holidays with github.com/rickar/cal/v2, so the domain needs no holiday
// library and the rules for Easter and Koningsdag live in one maintained place.
package holidays

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/nl"

	"meldpunt/internal/desk"
)

// Dutch is the set of Dutch public holidays. Its zero value is not usable; call NL.
type Dutch struct {
	byCode map[string]*cal.Holiday
}

var _ desk.Holidays = (*Dutch)(nil)

// dutch maps the stable codes (desk.DutchHolidayCodes) onto rickar/cal's definitions. Easter
// Sunday and Whit Sunday are not in nl.Holidays (they are Sundays); they come from the shared
// Christian holidays with Dutch names.
var dutch = map[string]*cal.Holiday{
	"nieuwjaarsdag":      nl.Nieuwjaar,
	"goede_vrijdag":      nl.GoedeVrijdag,
	"eerste_paasdag":     aa.Easter.Clone(&cal.Holiday{Name: "Eerste Paasdag", Type: cal.ObservancePublic}),
	"tweede_paasdag":     nl.TweedePaasdag,
	"koningsdag":         nl.Koningsdag,
	"bevrijdingsdag":     nl.BevrijdingsDag,
	"hemelvaartsdag":     nl.Hemelvaart,
	"eerste_pinksterdag": aa.Pentecost.Clone(&cal.Holiday{Name: "Eerste Pinksterdag", Type: cal.ObservancePublic}),
	"tweede_pinksterdag": nl.TweedePinksterDag,
	"eerste_kerstdag":    nl.EersteKerstdag,
	"tweede_kerstdag":    nl.TweedeKerstdag,
}

// NL returns the Dutch public holidays. The rules are today's, applied to every year (so
// Koningsdag is 27 April, or 26 April when that is a Sunday, also before 2014). The result
// only reads shared definitions and is safe for concurrent use.
func NL() *Dutch { return &Dutch{byCode: dutch} }

// Codes lists the holiday codes in the order the holidays fall in a year.
func (d *Dutch) Codes() []string { return desk.DutchHolidayCodes() }

// On returns the date on which the holiday falls in year, after any move: when Koningsdag's
// 27 April is a Sunday, it is 26 April.
func (d *Dutch) On(code string, year int) (month time.Month, day int, ok bool) {
	h := d.byCode[code]
	if h == nil {
		return 0, 0, false
	}
	_, observed := h.Calc(year)
	if observed.IsZero() {
		return 0, 0, false
	}
	return observed.Month(), observed.Day(), true
}
