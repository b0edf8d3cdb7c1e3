package replenish

import "testing"

func TestLeaderAndOwed(t *testing.T) {
	for _, c := range []struct {
		level            int
		district, holder string
		owed             bool
	}{
		{2, "110111", "110111", true},  // the city leads a level-Ⅱ response with a district's stock
		{2, "110111", "110000", false}, // with its own
		{3, "110111", "110111", false}, // the district leads a level-Ⅲ response with its own stock
		{3, "110111", "110109", true},  // with another district's
		{3, "110111", "110000", true},  // with the city's
		{4, "", "110000", false},       // a site in no district: the city leads
	} {
		leader := Leader(c.level, "110000", c.district)
		if got := Owed(c.holder, leader); got != c.owed {
			t.Errorf("level %d at %q, stock of %s: owed %v, want %v", c.level, c.district, c.holder, got, c.owed)
		}
	}
	n := Need{ID: 1, Status: StatusOpen}
	if _, err := n.Settle("user:1", 5, ""); err == nil {
		t.Error("settled without saying how")
	}
	s, err := n.Settle("user:1", 5, "调拨单 #9")
	if err != nil || s.Status != StatusSettled || s.SettledAt != 5 {
		t.Fatalf("settle %+v %v", s, err)
	}
	if _, err := s.Settle("user:1", 6, "again"); err == nil {
		t.Error("settled twice")
	}
}
