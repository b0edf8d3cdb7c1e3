package access_test

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Places of the scope tests: a depot of the city in district 110111, a
// depot of street 110109004 held by the district's bureau, and a partner's
// depot.
var (
	cityDepot   = access.Place{AreaPath: "110000/110111/", Org: "BJ-EMB", Depot: "C-FS"}
	streetDepot = access.Place{AreaPath: "110000/110109/110109004/", Org: "110109-EMB", Depot: "S-DT"}
	grainDepot  = access.Place{AreaPath: "110000/110115/", Org: "BJ-GRAIN", Depot: "C-DX"}
)

func actor(role access.Role, scope access.Scope) access.Actor {
	return access.Actor{Principal: access.Principal{ID: "user:1"}, Roles: []access.Role{role}, Scope: scope}
}

func TestAllowByRoleAndScope(t *testing.T) {
	city := access.Scope{AreaPath: "110000/", Org: "BJ-EMB"}
	district := access.Scope{AreaPath: "110000/110109/", Org: "110109-EMB"}
	keeper := access.Scope{AreaPath: "110000/110109/", Org: "110109-EMB", Depots: []string{"S-DT"}}
	partner := access.Scope{AreaPath: "110000/", Org: "BJ-GRAIN"}
	for _, tc := range []struct {
		name   string
		who    access.Actor
		act    access.Action
		places []access.Place
		want   string
	}{
		{"anonymous may not read", access.Nobody(), access.StockRead, nil, "auth.required"},
		{"anonymous may see public", access.Nobody(), access.Public, nil, ""},
		{"viewer may not post", actor(access.RoleViewer, city), access.StockPost, []access.Place{cityDepot}, "auth.forbidden"},
		{"city manager posts anywhere in the city", actor(access.RoleManager, city), access.StockPost,
			[]access.Place{cityDepot, streetDepot}, ""},
		{"district manager posts in its street", actor(access.RoleManager, district), access.StockPost,
			[]access.Place{streetDepot}, ""},
		{"district manager may not post at a city depot elsewhere", actor(access.RoleManager, district),
			access.StockPost, []access.Place{streetDepot, cityDepot}, "auth.out_of_scope"},
		{"keeper posts at own depot", actor(access.RoleKeeper, keeper), access.StockPost, []access.Place{streetDepot}, ""},
		{"keeper may not post at another depot of its district", actor(access.RoleKeeper, keeper), access.StockPost,
			[]access.Place{{AreaPath: "110000/110109/", Org: "110109-EMB", Depot: "D-MTG"}}, "auth.out_of_scope"},
		{"keeper executes a transfer into its depot", actor(access.RoleKeeper, keeper), access.TransferRun,
			[]access.Place{cityDepot, streetDepot}, ""},
		{"keeper may not execute a transfer between others", actor(access.RoleKeeper, keeper), access.TransferRun,
			[]access.Place{cityDepot, grainDepot}, "auth.out_of_scope"},
		{"partner posts at its org's depot", actor(access.RolePartner, partner), access.StockPost,
			[]access.Place{grainDepot}, ""},
		{"partner may not post at the bureau's depot", actor(access.RolePartner, partner), access.StockPost,
			[]access.Place{cityDepot}, "auth.out_of_scope"},
		{"district commander may not approve a draw on city stock", actor(access.RoleCommander, district),
			access.PlanApprove, []access.Place{streetDepot, cityDepot}, "auth.out_of_scope"},
		{"city commander approves any draw", actor(access.RoleCommander, city), access.PlanApprove,
			[]access.Place{streetDepot, cityDepot}, ""},
		{"district commander records incidents anywhere", actor(access.RoleCommander, district),
			access.IncidentWrite, nil, ""},
		{"a malformed principal is refused", access.Actor{Principal: access.Principal{ID: "user:a b"},
			Roles: []access.Role{access.RoleManager}, Scope: city}, access.StockPost, nil, "principal.invalid"},
		{"the whole-installation admin manages users anywhere", actor(access.RoleAdmin, access.Scope{All: true}),
			access.UserManage, []access.Place{streetDepot}, ""},
		{"the system may do anything", access.SystemActor("demo"), access.PlanExecute, []access.Place{cityDepot}, ""},
		{"a user without roles may only act on itself", actor("", city), access.StockRead, nil, "auth.forbidden"},
		{"a user without roles may change its password", access.Actor{Principal: access.Principal{ID: "user:1"}},
			access.Self, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := apperr.CodeOf(tc.who.Allow(tc.act, tc.places...)); got != tc.want {
				t.Errorf("Allow(%s) = %q, want %q", tc.act, got, tc.want)
			}
		})
	}
}

// TestEveryActionHasARule: deny by default must not mean an action
// nobody can take by mistake; and the statuses are those the API answers.
func TestEveryActionHasARule(t *testing.T) {
	seen := map[access.Action]bool{}
	for _, r := range access.Rules {
		if seen[r.Action] {
			t.Errorf("%s has two rules", r.Action)
		}
		seen[r.Action] = true
		if r.ZH == "" || r.EN == "" {
			t.Errorf("%s has no description for the docs", r.Action)
		}
		for role := range r.Grants {
			if !role.Valid() {
				t.Errorf("%s grants unknown role %q", r.Action, role)
			}
		}
	}
	if _, ok := access.RuleOf("no.such"); ok {
		t.Error("RuleOf found an unknown action")
	}
	admin := actor(access.RoleAdmin, access.Scope{All: true})
	if admin.Can("no.such") || admin.Allow("no.such") == nil {
		t.Error("an action without a rule is allowed")
	}
	e, _ := apperr.As(access.Nobody().Allow(access.StockRead))
	if e.Kind.HTTPStatus() != 401 {
		t.Errorf("anonymous refusal is %d, want 401", e.Kind.HTTPStatus())
	}
}

func TestView(t *testing.T) {
	district := actor(access.RoleViewer, access.Scope{AreaPath: "110000/110109/"})
	v := district.View(access.StockRead)
	if v.All || !v.Shows(streetDepot) || v.Shows(cityDepot) {
		t.Errorf("district viewer's view %+v", v)
	}
	cmd := actor(access.RoleCommander, access.Scope{AreaPath: "110000/110109/"})
	if !cmd.View(access.StockRead).All {
		t.Error("a commander sees all stock when planning")
	}
	k := actor(access.RoleKeeper, access.Scope{AreaPath: "110000/110109/", Depots: []string{"S-DT"}})
	if kv := k.View(access.StockRead); !kv.Shows(streetDepot) || kv.Shows(access.Place{AreaPath: "110000/110109/", Depot: "D-MTG"}) {
		t.Errorf("keeper's view %+v", kv)
	}
	p := actor(access.RolePartner, access.Scope{AreaPath: "110000/", Org: "BJ-GRAIN"})
	if pv := p.View(access.StockRead); !pv.Shows(grainDepot) || pv.Shows(cityDepot) {
		t.Errorf("partner's view %+v", pv)
	}
	if v := access.Nobody().View(access.StockRead); v.All || v.Shows(cityDepot) {
		t.Errorf("anonymous view %+v", v)
	}
}
