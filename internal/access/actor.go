package access

import (
	"context"
	"slices"
	"strings"
)

// Role is what a person does in the reserve system. A user holds one or
// more roles; each grants the actions the rule table gives it, within the
// user's scope.
type Role string

// The roles (BRIEF: users).
const (
	RoleAdmin     Role = "admin"     // 系统管理员: accounts, tokens, master data, settings, the audit trail
	RoleCommander Role = "commander" // 指挥/值班: incidents, dispatch plans, pre-positioning
	RoleManager   Role = "manager"   // 储备管理: depots, reserves, transfers, readiness settings, movements
	RoleKeeper    Role = "keeper"    // 库管: movements at their own depots, receiving transfers
	RolePartner   Role = "partner"   // 协作部门: their organisation's depots, lots and reserves
	RoleViewer    Role = "viewer"    // 只读: looks, changes nothing
)

// Roles lists every role, in the order screens and docs show them.
var Roles = []Role{RoleAdmin, RoleCommander, RoleManager, RoleKeeper, RolePartner, RoleViewer}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Names are a role's names in Chinese and English.
func (r Role) Names() (zh, en string) {
	switch r {
	case RoleAdmin:
		return "系统管理员", "administrator"
	case RoleCommander:
		return "指挥/值班", "commander"
	case RoleManager:
		return "储备管理", "reserve manager"
	case RoleKeeper:
		return "库管", "warehouse keeper"
	case RolePartner:
		return "协作部门", "partner department"
	case RoleViewer:
		return "只读", "viewer"
	}
	return string(r), string(r)
}

// Scope is where an actor's roles apply: the area subtree for
// administrators, commanders, reserve managers and viewers (a city sees
// everything, a district itself, its streets and communities); the depots
// a keeper keeps; the organisation a partner department belongs to.
type Scope struct {
	// All is the whole installation, for an administrator who belongs to
	// no area (the first one, made before any area exists).
	All bool `json:"all,omitempty"`
	// AreaPath is the materialised path of the actor's area ("110000/" for
	// the city, "110000/110105/" for a district); every area whose path
	// starts with it is in scope.
	AreaPath string `json:"area_path"`
	// Org is the code of the actor's organisation.
	Org string `json:"org"`
	// Depots are the codes of the depots a keeper keeps.
	Depots []string `json:"depots,omitempty"`
}

// Actor is a principal with the roles and scope it acts in: a signed-in
// user, a token, or the system and command line acting with full rights.
type Actor struct {
	Principal
	Name string `json:"name,omitempty"` // display name, for screens
	// User is the user the actor is or acts for ("user:42"): itself, or
	// the user a token was issued for. "" for the system and the operator.
	User  string `json:"user,omitempty"`
	Roles []Role `json:"roles"`
	Scope Scope  `json:"scope"`
	// Address is where the request came from (an IP address, or "cli"),
	// recorded with what the actor does.
	Address string `json:"-"`
	// MustChangePassword marks a user signed in with a one-time password:
	// they act with no roles and may do nothing but change it.
	MustChangePassword bool `json:"-"`
	// Superuser acts outside the rule table: the system itself (demo data,
	// migrations) and the operator at the database's own console
	// (`stockpile user add` on a fresh database). No request over HTTP is
	// ever a superuser.
	Superuser bool `json:"-"`
}

// Signed reports whether the actor names someone, as opposed to an
// anonymous request.
func (a Actor) Signed() bool { return a.ID != "" && a.ID != AnonymousID }

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// Nobody is the actor of a request that presented no credentials.
func Nobody() Actor { return Actor{Principal: Anonymous()} }

// SystemActor is Stockpile acting on its own account (what names the job,
// such as "demo"), with every right.
func SystemActor(what string) Actor {
	return Actor{Principal: System(what), Address: "system", Superuser: true}
}

// Operator is the person at the command line with direct access to the
// database (osUser is the operating-system user): whoever can open the
// database file or connect with its URL can change anything in it, so the
// operator's commands, such as creating the first administrator, act with
// every right and are recorded under their operating-system name.
func Operator(osUser string) Actor {
	return Actor{Principal: CLI(osUser), Address: "cli", Superuser: true}
}

// Place is where an act lands, as far as scope is concerned: a depot (its
// code, its area's path and the organisation that holds it), a lot's owner,
// or an area.
type Place struct {
	AreaPath string
	Org      string
	Depot    string
}

// covers reports whether role r of a, given its scope, reaches place p.
func (a Actor) covers(r Role, p Place) bool {
	switch r {
	case RoleKeeper:
		return p.Depot != "" && slices.Contains(a.Scope.Depots, p.Depot)
	case RolePartner:
		return p.Org != "" && p.Org == a.Scope.Org
	default:
		return a.Scope.All || (a.Scope.AreaPath != "" && p.AreaPath != "" && strings.HasPrefix(p.AreaPath, a.Scope.AreaPath))
	}
}

type actorKey struct{}

// WithActor returns ctx carrying a, for the surfaces that resolve who
// makes a request in one place and act on it in another.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// FromContext returns the actor ctx carries, or Nobody.
func FromContext(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Nobody()
}
