package alloc

import "testing"

func TestParseCosts(t *testing.T) {
	c, err := ParseCosts(" city=0, own-district=30,late=5 ")
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultCosts()
	want.Relation[RelCity], want.Relation[RelOwnDistrict], want.LateWeight = 0, 30, 5
	if c != want {
		t.Fatalf("got %s, want %s", c, want)
	}
	if back, err := ParseCosts(c.String()); err != nil || back != c {
		t.Fatalf("round trip %s: %v, %v", c.String(), back, err)
	}
	if d, err := ParseCosts(""); err != nil || d != DefaultCosts() {
		t.Fatalf("empty: %v %v", d, err)
	}
	for _, bad := range []string{"city", "city=x", "town=3", "short=0", "city=-1", "minute=10000000"} {
		if _, err := ParseCosts(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
