package alloc

import (
	"fmt"
	"strconv"
	"strings"
)

// costKeys names the weights ParseCosts accepts, after the relations.
var costKeys = map[string]func(c *Costs) *int64{
	"minute": func(c *Costs) *int64 { return &c.TimeWeight },
	"late":   func(c *Costs) *int64 { return &c.LateWeight },
	"short":  func(c *Costs) *int64 { return &c.ShortageWeight },
}

// ParseCosts reads weights written as "key=value" pairs separated by
// commas, starting from DefaultCosts: the relations by name (own-district,
// city, other-district, neighbour, agreement, capacity) and minute (cost
// per minute of arrival), late (per minute late per priority level) and
// short (per unit short per priority level). It is how a bureau sets its
// tier rules without code, e.g. "city=0,own-district=30" to draw on city
// stock first. An empty string gives the defaults.
func ParseCosts(s string) (Costs, error) {
	c := DefaultCosts()
	for _, pair := range strings.Split(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		key, val, ok := strings.Cut(pair, "=")
		v, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if !ok || err != nil {
			return c, fmt.Errorf("alloc: cost %q: want key=integer", pair)
		}
		ptr, err := c.weight(strings.TrimSpace(key))
		if err != nil {
			return c, err
		}
		*ptr = v
	}
	return c, validateCosts(&c)
}

func (c *Costs) weight(key string) (*int64, error) {
	for r := Relation(0); r < NumRelations; r++ {
		if r.String() == key {
			return &c.Relation[r], nil
		}
	}
	if f, ok := costKeys[key]; ok {
		return f(c), nil
	}
	return nil, fmt.Errorf("alloc: unknown cost %q: want own-district, city, other-district, neighbour, "+
		"agreement, capacity, minute, late or short", key)
}

// String writes c in the form ParseCosts reads.
func (c Costs) String() string {
	var b strings.Builder
	for r := Relation(0); r < NumRelations; r++ {
		fmt.Fprintf(&b, "%s=%d,", r, c.Relation[r])
	}
	fmt.Fprintf(&b, "minute=%d,late=%d,short=%d", c.TimeWeight, c.LateWeight, c.ShortageWeight)
	return b.String()
}
