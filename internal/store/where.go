package store

import (
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
)

// where builds a WHERE clause from the filters in use. Writing only those
// filters into the query, rather than catch-alls that compare each argument
// with the empty string, lets the planner start from an index.
type where struct {
	conds []string
	args  []any
}

// add appends a condition with its arguments.
func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// addIf appends a condition when value is not empty.
func (w *where) addIf(value string, cond string) {
	if value != "" {
		w.add(cond, value)
	}
}

// String returns " WHERE c1 AND c2 … " (or a single space with no
// conditions).
func (w *where) String() string {
	if len(w.conds) == 0 {
		return " "
	}
	return " WHERE " + strings.Join(w.conds, " AND ") + " "
}

// and returns " AND c1 AND c2 " to extend a WHERE clause written out (or
// a single space with no conditions).
func (w *where) and() string {
	if len(w.conds) == 0 {
		return " "
	}
	return " AND " + strings.Join(w.conds, " AND ") + " "
}

// visible restricts the rows to what an access view shows: depots (the
// alias depot) in the view's area subtree, among its depots, or held by
// its organisation, and, with owner (a lots.owner_id column), lots its
// organisation owns wherever they lie. A nil view restricts nothing: the
// reads of the system and the operator, and of the use cases that check
// places themselves.
func (w *where) visible(v *access.View, depot, owner string) {
	if v == nil || v.All {
		return
	}
	var or []string
	var args []any
	if v.AreaPath != "" {
		or = append(or, depot+".area_id IN (SELECT id FROM areas WHERE path LIKE ?)")
		args = append(args, v.AreaPath+"%")
	}
	if len(v.Depots) > 0 {
		or = append(or, depot+".code IN (?"+strings.Repeat(", ?", len(v.Depots)-1)+")")
		for _, d := range v.Depots {
			args = append(args, d)
		}
	}
	if v.Org != "" {
		or = append(or, depot+".org_id IN (SELECT id FROM orgs WHERE code = ?)")
		args = append(args, v.Org)
		if owner != "" {
			or = append(or, owner+" IN (SELECT id FROM orgs WHERE code = ?)")
			args = append(args, v.Org)
		}
	}
	if len(or) == 0 {
		w.add("1 = 0")
		return
	}
	w.add("("+strings.Join(or, " OR ")+")", args...)
}

// visibleOrg restricts reserves to those of organisations an access view
// shows: in its area subtree, or its own organisation. Keepers see none.
func (w *where) visibleOrg(v *access.View, org string) {
	if v == nil || v.All {
		return
	}
	var or []string
	var args []any
	if v.AreaPath != "" {
		or = append(or, org+".area_id IN (SELECT id FROM areas WHERE path LIKE ?)")
		args = append(args, v.AreaPath+"%")
	}
	if v.Org != "" {
		or = append(or, org+".code = ?")
		args = append(args, v.Org)
	}
	if len(or) == 0 {
		w.add("1 = 0")
		return
	}
	w.add("("+strings.Join(or, " OR ")+")", args...)
}
