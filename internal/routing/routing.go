// Package routing estimates travel times between depots and incident sites
// for the dispatch solver.
//
// Every source of travel times is a [Router]: it turns a list of origins and
// a list of destinations into a [Matrix] of whole seconds. Three routers
// exist:
//
//   - [GreatCircle], the default when no road data is configured: the
//     straight-line distance stretched by a circuity factor and driven at a
//     speed that both depend on the terrain (Beijing's districts by default).
//   - [OSRM], a client for an OSRM server's table service.
//   - road.Router (package routing/road), shortest paths on a road graph
//     built from an OpenStreetMap extract the bureau supplies.
//
// Routers report driving time only, except GreatCircle, whose [Profile]
// carries a planning [Allowance] (contingency and loading time) because its
// figures are meant to be used as they are. [WithAllowance] adds the same
// allowance to any other router, so switching routers does not silently
// change what a matrix entry means.
//
// The road graph lives in its own package so that code which only needs the
// interface does not pull in the OpenStreetMap decoder.
package routing

import (
	"context"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Router computes travel times from every origin to every destination.
//
// Matrix returns a Rows = len(from), Cols = len(to) matrix. A pair with no
// route is reported as [Unreachable], not as an error; errors mean that the
// whole computation failed (bad input, server down, context cancelled).
// Implementations are safe for concurrent use.
type Router interface {
	Matrix(ctx context.Context, from, to []geo.Point) (Matrix, error)
	// Name identifies the router and its data in explanations shown to
	// planners, e.g. "great-circle", "osrm:http://osrm:5000",
	// "osm:beijing-latest.osm.pbf".
	Name() string
}

// Unreachable marks a pair with no route in [Matrix.Seconds] and
// [Matrix.Meters].
const Unreachable int32 = -1

// Matrix holds travel times, row-major: entry (i, j) is the trip from the
// i-th origin to the j-th destination.
type Matrix struct {
	Rows, Cols int
	// Seconds[i*Cols+j] is the travel time of trip (i, j) in whole seconds,
	// or Unreachable.
	Seconds []int32
	// Meters has the same layout and holds the route length, or Unreachable.
	// It is nil when the router does not know distances.
	Meters []int32
}

// NewMatrix returns a rows × cols matrix with every entry Unreachable. Meters
// is allocated only when withMeters is true.
func NewMatrix(rows, cols int, withMeters bool) Matrix {
	m := Matrix{Rows: rows, Cols: cols, Seconds: filled(rows*cols, Unreachable)}
	if withMeters {
		m.Meters = filled(rows*cols, Unreachable)
	}
	return m
}

func filled(n int, v int32) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// At returns the travel time of trip (i, j) in seconds, or Unreachable.
func (m Matrix) At(i, j int) int32 { return m.Seconds[i*m.Cols+j] }

// Reachable reports whether trip (i, j) has a route.
func (m Matrix) Reachable(i, j int) bool { return m.At(i, j) != Unreachable }

// CheckPoints returns an error naming the first point that is not a valid
// WGS-84 coordinate, so a bad request fails before any work is done. Every
// Router calls it first.
func CheckPoints(from, to []geo.Point) error {
	for _, side := range []struct {
		name string
		pts  []geo.Point
	}{{"from", from}, {"to", to}} {
		for i, p := range side.pts {
			if !p.Valid() {
				return fmt.Errorf("routing: %s[%d] = (%v, %v) is not a WGS-84 coordinate", side.name, i, p.Lon, p.Lat)
			}
		}
	}
	return nil
}
