package catalog

import "testing"

func TestDefaultCatalogue(t *testing.T) {
	cats, items, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 60 {
		t.Fatalf("%d items; the default catalogue must have at least 60", len(items))
	}
	byCode := map[string]Category{}
	for _, c := range cats {
		if _, dup := byCode[c.Code]; dup {
			t.Errorf("category %s twice", c.Code)
		}
		byCode[c.Code] = c
		if p := c.Parent(); p != "" {
			if _, ok := byCode[p]; !ok {
				t.Errorf("category %s: parent %s missing or listed after it", c.Code, p)
			}
		}
		if c.Level() == 1 && c.Local {
			t.Errorf("top-level class %s is the standard's own, not local", c.Code)
		}
		if c.Level() > 1 && !c.Local {
			t.Errorf("category %s below the top level must be marked local", c.Code)
		}
	}
	for _, code := range []string{"1", "2", "3"} {
		zh, _ := Class(code[0] - '0').Names()
		if byCode[code].NameZH == "" || zh == "" {
			t.Errorf("class %s missing", code)
		}
	}
	seen := map[string]bool{}
	purposes := map[Purpose]int{}
	for _, it := range items {
		if seen[it.Code] {
			t.Errorf("item %s twice", it.Code)
		}
		seen[it.Code] = true
		if _, ok := byCode[it.CategoryCode()]; !ok {
			t.Errorf("item %s: category %s missing", it.Code, it.CategoryCode())
		}
		purposes[it.Purpose]++
	}
	if purposes[PurposeLife] == 0 || purposes[PurposeRescue] == 0 {
		t.Errorf("purposes %v: both must be present", purposes)
	}
}

func TestValidateCode(t *testing.T) {
	for _, c := range []string{"1010101", "2990199", "3999999"} {
		if err := ValidateCode(c, 7); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	for _, c := range []string{"4010101", "101010", "10101010", "1000101", "10a0101", "0010101"} {
		if ValidateCode(c, 7) == nil {
			t.Errorf("%s accepted", c)
		}
	}
}
