package routing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/routing"
)

func ExampleGreatCircle() {
	depot := geo.Point{Lon: 116.3913, Lat: 39.9054} // Tiananmen
	site := geo.Point{Lon: 115.9789, Lat: 40.4641}  // Yanqing district seat
	// Terrain comes from the areas a city loads (the program gives the
	// router the store as its TerrainSource). Here two areas without
	// outlines, each point placed by the nearest seat: the urban city
	// centre and mountainous Yanqing.
	terrain, err := routing.NewAreaTerrain([]routing.TerrainArea{
		{Code: "110000", Terrain: routing.Urban, HasTerrain: true, Seat: depot},
		{Code: "110119", Parent: "110000", Terrain: routing.Mountain, HasTerrain: true, Seat: site},
	})
	if err != nil {
		panic(err)
	}
	r, err := routing.NewGreatCircle(routing.DefaultProfile(), terrain.Classifier())
	if err != nil {
		panic(err)
	}
	m, err := r.Matrix(context.Background(), []geo.Point{depot}, []geo.Point{site})
	if err != nil {
		panic(err)
	}
	e := r.Estimate(depot, site)
	fmt.Printf("%s: %.1f km straight, %.1f km by %s roads\n", r.Name(), e.StraightKm, e.RoadKm, e.Terrain)
	fmt.Printf("drive %v, plan for %v\n", e.Drive.Round(time.Minute), time.Duration(m.At(0, 0))*time.Second)
	// Output:
	// great-circle: 71.3 km straight, 107.0 km by mountain roads
	// drive 2h6m0s, plan for 2h57m29s
}
