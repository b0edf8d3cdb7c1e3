package event_test

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/event"
)

// The city is /110000/; Fangshan /110000/110111/; another district
// /110000/110105/.
var (
	root     = access.Place{AreaPath: "/110000/"}
	fangshan = access.Place{AreaPath: "/110000/110111/", Org: "FS-EMB", Depot: "D-FS-01"}
	chaoyang = access.Place{AreaPath: "/110000/110105/", Org: "CY-EMB", Depot: "D-CY-01"}
	grain    = access.Place{AreaPath: "/110000/", Org: "BJ-GRAIN", Depot: "C-GRAIN-01"}
)

func actor(roles []access.Role, scope access.Scope) access.Actor {
	return access.Actor{Principal: access.Principal{ID: "user:1"}, Roles: roles, Scope: scope}
}

func TestVisible(t *testing.T) {
	t.Parallel()
	cityManager := actor([]access.Role{access.RoleManager}, access.Scope{AreaPath: "/110000/"})
	fsManager := actor([]access.Role{access.RoleManager}, access.Scope{AreaPath: "/110000/110111/"})
	fsKeeper := actor([]access.Role{access.RoleKeeper}, access.Scope{AreaPath: "/110000/110111/", Depots: []string{"D-FS-01"}})
	partner := actor([]access.Role{access.RolePartner}, access.Scope{Org: "BJ-GRAIN"})
	admin := actor([]access.Role{access.RoleAdmin}, access.Scope{AreaPath: "/110000/"})
	posting := func(places ...access.Place) event.Event {
		return event.Event{Kind: event.KindPosting, Places: places}
	}
	cases := []struct {
		name string
		who  access.Actor
		e    event.Event
		want bool
	}{
		{"a city manager sees a posting anywhere", cityManager, posting(chaoyang), true},
		{"a district manager sees one in the district", fsManager, posting(fangshan), true},
		{"but not one in another district", fsManager, posting(chaoyang), false},
		{"a posting between both districts shows on both sides", fsManager, posting(chaoyang, fangshan), true},
		{"a keeper sees one at their depot", fsKeeper, posting(fangshan), true},
		{"but not one at another", fsKeeper, posting(chaoyang), false},
		{"a partner sees one at its organisation's depot", partner, posting(grain), true},
		{"but not the bureau's", partner, posting(fangshan), false},
		{"a plan has no place: a district manager sees plans (dispatch.read everywhere)", fsManager,
			event.Event{Kind: "plan.approve"}, true},
		{"a keeper sees plans", fsKeeper, event.Event{Kind: "plan.approve"}, true},
		{"a partner may not read plans", partner, event.Event{Kind: "plan.approve"}, false},
		{"a user's creation: an administrator of the city", admin, event.Event{Kind: "user.create"}, true},
		{"not a manager", cityManager, event.Event{Kind: "user.create"}, false},
		{"sign-ins are the audit trail's: the city's administrator", admin, event.Event{Kind: "session.refused"}, true},
		{"not a manager's", cityManager, event.Event{Kind: "session.refused"}, false},
		{"a depot's edit in its place", fsManager, event.Event{Kind: "depot.update", Places: []access.Place{fangshan}}, true},
		{"not out of it", fsManager, event.Event{Kind: "depot.update", Places: []access.Place{chaoyang}}, false},
	}
	for _, tc := range cases {
		if got := tc.e.Visible(tc.who, root); got != tc.want {
			t.Errorf("%s: Visible = %v", tc.name, got)
		}
	}
}

func TestFilterAndReadAction(t *testing.T) {
	t.Parallel()
	f := event.Filter{"plan.", "ledger.posting"}
	for kind, want := range map[string]bool{"plan.approve": true, "plan.create": true, "ledger.posting": true,
		"planet.x": false, "transfer.execute": false} {
		if f.Match(kind) != want {
			t.Errorf("Match(%q) = %v", kind, !want)
		}
	}
	if !(event.Filter{}).Match("anything") {
		t.Error("an empty filter selects nothing")
	}
	for kind, want := range map[string]access.Action{event.KindPosting: access.StockRead, "item.create": access.ReferenceRead,
		"plan.approve": access.DispatchRead, "token.revoke": access.TokenManage, "session.create": access.AuditRead} {
		if got := event.ReadAction(kind); got != want {
			t.Errorf("ReadAction(%q) = %s, want %s", kind, got, want)
		}
	}
}
