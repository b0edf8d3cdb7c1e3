package donation

import (
	"slices"
	"sort"

	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Need is an open need a donation may meet: a demand of an open incident's
// site (or an approved request), with what of it no plan has yet covered.
type Need struct {
	Incident     string         `json:"incident"`
	IncidentType string         `json:"incident_type"`
	Site         string         `json:"site"`
	SiteName     string         `json:"site_name"`
	District     string         `json:"district,omitempty"` // home district of the site, "" if none
	InCity       bool           `json:"in_city"`            // the site lies in the home city
	Point        geo.Point      `json:"point"`
	Item         string         `json:"item"`
	Open         stock.Quantity `json:"open"` // demanded, not yet covered by an approved or executed plan
}

// Match is a need a donation line can meet.
type Match struct {
	Need
	Line       int            `json:"line"` // the donation's line
	Quantity   stock.Quantity `json:"quantity"`
	DistanceKm float64        `json:"distance_km"`
}

// Matches pairs a donation's received lines with the needs its
// restriction allows, nearest first from the depot at from, each need
// taking what the line still has (the allocation itself is the planner's:
// this is a first look for the people handling the donation). districts
// are the home city's district codes.
func (d Donation) Matches(from geo.Point, needs []Need, districts []string) []Match {
	var out []Match
	sorted := append([]Need(nil), needs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return geo.DistanceKm(from, sorted[i].Point) < geo.DistanceKm(from, sorted[j].Point)
	})
	for i, l := range d.Lines {
		if l.Check == Rejected {
			continue
		}
		left := l.Quantity
		for _, n := range sorted {
			if left <= 0 {
				break
			}
			if n.Item != l.Item || n.Open <= 0 || !d.allows(n, districts) {
				continue
			}
			q := min(left, n.Open)
			left -= q
			out = append(out, Match{Need: n, Line: i, Quantity: q, DistanceKm: geo.DistanceKm(from, n.Point)})
		}
	}
	return out
}

// allows applies the donor's restriction to a need the way the planner
// does: the incident's type, the site's district, or the home city for an
// area that is not a district.
func (d Donation) allows(n Need, districts []string) bool {
	r := d.Restriction
	if r.IncidentType != "" && r.IncidentType != n.IncidentType {
		return false
	}
	if r.Area == "" {
		return true
	}
	if slices.Contains(districts, r.Area) {
		return r.Area == n.District
	}
	return n.InCity
}
