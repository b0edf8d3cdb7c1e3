package store

import "strings"

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
