package main

import (
	"fmt"
	"reflect"
	"testing"
)

func testGrid() (depots, items []string) {
	for i := range 50 {
		depots = append(depots, fmt.Sprintf("D%03d", i+1))
	}
	for i := range 100 {
		items = append(items, fmt.Sprintf("I%03d", i+1))
	}
	return depots, items
}

// settle stands in for the store: it gives the lots of the posting just
// built their codes.
func settle(g *generator, k int) {
	for i, l := range g.pending {
		l.code = fmt.Sprint("L", k, "-", i)
	}
	g.pending = g.pending[:0]
}

// TestGeneratorSteadyState checks that stock settles at a few lots per
// depot and item rather than growing with the ledger, so that the rates
// measured late in a long run are not those of an ever larger stock.
func TestGeneratorSteadyState(t *testing.T) {
	depots, items := testGrid()
	g := newGenerator(1, depots, items)
	cells := float64(len(depots) * len(items))
	var at500k float64
	for k := range 1000 {
		for range 1000 {
			g.line()
		}
		settle(g, k)
		if k == 499 {
			held, _ := g.stockLots()
			at500k = float64(held) / cells
		}
	}
	held, units := g.stockLots()
	perCell := float64(held) / cells
	t.Logf("after 1,000,000 lines: %.1f lots and %.0f units per depot and item; %s", perCell, float64(units)/cells, g.mix)
	if perCell > 5 || perCell > 1.2*at500k {
		t.Errorf("%.1f lots per depot and item after 1,000,000 lines, %.1f after 500,000: stock keeps growing", perCell, at500k)
	}
}

func TestGeneratorIsDeterministic(t *testing.T) {
	depots, items := testGrid()
	a, b := newGenerator(7, depots, items), newGenerator(7, depots, items)
	for k := range 20 {
		if pa, pb := a.posting(500), b.posting(500); !reflect.DeepEqual(pa, pb) {
			t.Fatalf("posting %d differs between two generators with the same seed", k)
		}
		settle(a, k)
		settle(b, k)
	}
}
