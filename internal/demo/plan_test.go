package demo

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

func TestReadData(t *testing.T) {
	ds, err := readData()
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]bool{}
	for _, a := range ds.areas {
		areas[a.Code] = true
	}
	orgs := map[string]bool{}
	for _, o := range ds.orgs {
		orgs[o.Code] = true
		if !areas[o.AreaCode] {
			t.Errorf("%s line %d: organisation %s in unknown area %s", orgsFile, o.line, o.Code, o.AreaCode)
		}
	}
	for _, d := range ds.depots {
		if !areas[d.AreaCode] || !orgs[d.OrgCode] {
			t.Errorf("%s line %d: depot %s: area %s or organisation %s unknown", depotsFile, d.line, d.Code, d.AreaCode, d.OrgCode)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s line %d: %v", depotsFile, d.line, err)
		}
	}
	if got := ds.depots[4]; got.Code != "C-CP-COMP" || got.line != 6 {
		t.Errorf("fifth depot %s on line %d, want C-CP-COMP on line 6", got.Code, got.line)
	}
}

func TestReadTableErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bad number", "code,parent_code,level,name_zh,name_en,population,lat,lon,terrain\n" +
			"110000,,city,北京市,Beijing,21893095,39.9,116.4,\n" +
			"110101,110000,district,东城区,Dongcheng,many,39.9,116.4,urban\n",
			`areas.csv line 3: column population: "many" is not a whole number`},
		{"line after a quoted line break", "code,parent_code,level,name_zh,name_en,population,lat,lon,terrain,source\n" +
			"110000,,city,北京市,Beijing,1,39.9,116.4,,\"two\nlines\"\n" +
			"110101,110000,district,东城区,Dongcheng,1,,116.4,urban,x\n",
			`areas.csv line 4: column lat: "" is not a coordinate`},
		{"missing column", "code,parent_code,level,name_zh,name_en,lat,lon,terrain\n",
			`areas.csv: header lacks column "population"`},
		{"ragged row", "code,parent_code,level,name_zh,name_en,population,lat,lon,terrain\n110000,,city\n",
			"areas.csv: record on line 2: wrong number of fields"},
		{"empty", "", "areas.csv: empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseAreas(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestParentsFirst(t *testing.T) {
	ds, err := readData()
	if err != nil {
		t.Fatal(err)
	}
	rows := slices.Clone(ds.areas)
	slices.Reverse(rows)
	got, err := parentsFirst(rows)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range got {
		if a.ParentCode != "" && !seen[a.ParentCode] {
			t.Fatalf("area %s comes before its parent %s", a.Code, a.ParentCode)
		}
		seen[a.Code] = true
	}
	if len(got) != len(rows) {
		t.Fatalf("%d areas out of %d", len(got), len(rows))
	}
	loop := []areaRow{{line: 2, Area: area.Area{Code: "A", ParentCode: "B"}}, {line: 3, Area: area.Area{Code: "B", ParentCode: "A"}}}
	if _, err := parentsFirst(loop); err == nil || !strings.Contains(err.Error(), "areas.csv line 2") {
		t.Errorf("a loop: got %v", err)
	}
	dup := []areaRow{{line: 2, Area: area.Area{Code: "A"}}, {line: 5, Area: area.Area{Code: "A"}}}
	if _, err := parentsFirst(dup); err == nil || !strings.Contains(err.Error(), "line 5: area A is also on line 2") {
		t.Errorf("a duplicate: got %v", err)
	}
}

// testPlan plans the demo stock with the default catalogue.
func testPlan(t *testing.T, seed int64) []depotPlan {
	t.Helper()
	ds, err := readData()
	if err != nil {
		t.Fatal(err)
	}
	_, items, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]catalog.Item{}
	for _, it := range items {
		byCode[it.Code] = it
	}
	plans, err := plan(seed, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), ds.depots, ds.areas, byCode)
	if err != nil {
		t.Fatal(err)
	}
	return plans
}

func TestPlanProfiles(t *testing.T) {
	for _, seed := range []int64{DefaultSeed, 1, 99} {
		var total stock.Quantity
		for _, dp := range testPlan(t, seed) {
			code := dp.depot.Code
			var units, floodUnits stock.Quantity
			for _, ip := range dp.items {
				it := ip.item
				units += ip.qty
				if it.Counted && !ip.qty.Whole() {
					t.Errorf("seed %d %s: %s %s is not whole", seed, code, it.Code, ip.qty)
				}
				var lots stock.Quantity
				for _, l := range ip.lots {
					lots += l.qty
					if l.qty <= 0 || l.produced >= "2026-06-01" || !strings.HasPrefix(l.batch, l.produced[:4]+"-") {
						t.Errorf("seed %d %s %s: lot %+v", seed, code, it.Code, l)
					}
				}
				if lots != ip.qty || len(ip.lots) < 1 || len(ip.lots) > 3 {
					t.Errorf("seed %d %s %s: %d lots hold %s of %s", seed, code, it.Code, len(ip.lots), lots, ip.qty)
				}
				if it.VolumeM3 >= 4 && ip.qty > stock.Units(20) {
					t.Errorf("seed %d %s: %s big machines %s (%s)", seed, code, ip.qty, it.NameZH, it.Code)
				}
				switch dp.prof.name {
				case "relief", "necessities":
					if it.Purpose != catalog.PurposeLife {
						t.Errorf("seed %d %s (%s) holds rescue item %s", seed, code, dp.prof.name, it.Code)
					}
				case "flood":
					if it.Purpose != catalog.PurposeRescue {
						t.Errorf("seed %d %s (flood) holds life item %s", seed, code, it.Code)
					}
					if c := it.CategoryCode(); c == "20201" || c == "20401" || strings.HasPrefix(c, "205") || strings.HasPrefix(c, "301") {
						floodUnits += ip.qty
					}
				case "street":
					if ip.qty > stock.Units(500) {
						t.Errorf("seed %d street point %s holds %s of %s", seed, code, ip.qty, it.Code)
					}
				}
			}
			total += units
			switch dp.prof.name {
			case "street":
				if n := len(dp.items); n < 8 || n > 15 || units < stock.Units(200) || units > stock.Units(3000) {
					t.Errorf("seed %d street point %s: %d items, %s units", seed, code, n, units)
				}
			case "flood":
				if floodUnits < units*8/10 {
					t.Errorf("seed %d flood depot %s: only %s of %s units are flood, drainage or water-rescue items", seed, code, floodUnits, units)
				}
			}
			if dp.depot.Tier == area.LevelDistrict && units < stock.Units(5000) {
				t.Errorf("seed %d district depot %s holds only %s units", seed, code, units)
			}
		}
		if total < stock.Units(1_800_000) || total > stock.Units(2_000_000) {
			t.Errorf("seed %d: %s units in all", seed, total)
		}
	}
}

func TestPlanSeeds(t *testing.T) {
	key := func(plans []depotPlan) string {
		var b strings.Builder
		for _, dp := range plans {
			for _, ip := range dp.items {
				for _, l := range ip.lots {
					b.WriteString(dp.depot.Code + ip.item.Code + l.batch + l.produced + l.qty.String() + "\n")
				}
			}
		}
		return b.String()
	}
	a, b, c := key(testPlan(t, 7)), key(testPlan(t, 7)), key(testPlan(t, 8))
	if a != b {
		t.Error("seed 7 planned twice differs")
	}
	if a == c {
		t.Error("seeds 7 and 8 plan the same stock")
	}
}
