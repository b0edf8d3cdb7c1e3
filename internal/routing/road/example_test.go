package road_test

import (
	"context"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing/road"
)

// A depot and two villages: the direct road from the depot to village A is
// a slow one-way lane, the main road goes round by village B.
func ExampleCH_Matrix() {
	var b road.Builder
	depot := b.AddNode(geo.Point{Lon: 116.00, Lat: 40.00})
	villageA := b.AddNode(geo.Point{Lon: 116.02, Lat: 40.00})
	villageB := b.AddNode(geo.Point{Lon: 116.01, Lat: 40.01})
	b.AddEdge(depot, villageA, 3000, 1700) // 5 min over 1.7 km, one way
	for _, e := range [][2]int32{{depot, villageB}, {villageB, villageA}} {
		b.AddEdge(e[0], e[1], 900, 1400) // 90 s over 1.4 km, both ways
		b.AddEdge(e[1], e[0], 900, 1400)
	}
	g, err := b.Build()
	if err != nil {
		panic(err)
	}
	h, err := road.Contract(context.Background(), g, road.ContractOptions{})
	if err != nil {
		panic(err)
	}
	t, err := h.Matrix(context.Background(), []int32{depot, villageA}, []int32{villageA, depot})
	if err != nil {
		panic(err)
	}
	for i, from := range []string{"depot", "village A"} {
		for j, to := range []string{"village A", "depot"} {
			k := i*t.Cols + j
			fmt.Printf("%s → %s: %.0f s, %d m\n", from, to, float64(t.Tenths[k])/10, t.Meters[k])
		}
	}
	// Output:
	// depot → village A: 180 s, 2800 m
	// depot → depot: 0 s, 0 m
	// village A → village A: 0 s, 0 m
	// village A → depot: 180 s, 2800 m
}
