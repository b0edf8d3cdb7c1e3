package web

import "github.com/stockpile-dev/stockpile/internal/access"

// FormatNumber lets the page tests write numbers as the pages do.
var FormatNumber = formatNumber

// NextPath lets the tests check where sign-in may send a browser on.
var NextPath = nextPath

// Route is one route of the screen table, with the action it needs.
type Route struct {
	Method, Path string
	Action       access.Action
}

// Routes lists every route of the screen table, so that the tests can
// try each with every role.
func Routes() []Route {
	var out []Route
	for _, sc := range (&handler{}).screens() {
		for _, rt := range sc.routes {
			out = append(out, Route{Method: rt.method, Path: rt.path, Action: rt.action})
		}
	}
	return out
}

// DurationText and RouterText let the tests check the one format of
// durations and router names.
var (
	DurationText = durationText
	RouterText   = routerText
)
