package importer

import (
	"context"
	"slices"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/org"
)

// parseUser reads a user. A file has no password column: a new user gets
// a one-time password when the import is committed.
func parseUser(ctx context.Context, ch *checker, c *cells) (Record, error) {
	name, ok := c.cell("username")
	if !ok {
		return Record{}, nil
	}
	probe := account.User{Username: name, Roles: []access.Role{access.RoleAdmin}}
	if err := probe.Validate(); err != nil {
		c.fail(err, nil)
		return Record{}, nil
	}
	stored, found, err := ch.env.Current(ctx, Users, probe.Username)
	if err != nil {
		return Record{}, err
	}
	var before account.User
	if found {
		before = stored.(account.User)
	}
	u := before
	u.Username = probe.Username
	c.text("name", &u.Name)
	var roles []string
	if c.has("roles") {
		c.list("roles", &roles)
		u.Roles = nil
		for _, r := range roles {
			u.Roles = append(u.Roles, access.Role(r))
		}
	}
	c.text("area_code", &u.AreaCode)
	c.text("org_code", &u.OrgCode)
	c.list("depots", &u.Depots)
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	c.fail(u.Validate(), nil)
	if len(c.problems) > 0 {
		return Record{}, nil
	}
	if err := userRefs(ctx, ch, c, u); err != nil {
		return Record{}, err
	}
	slices.Sort(before.Depots)
	return record(u.Username, u, before, found), nil
}

// userRefs checks that a user's area, organisation and depots exist.
func userRefs(ctx context.Context, ch *checker, c *cells, u account.User) error {
	if u.AreaCode != "" {
		if _, _, err := need[area.Area](ctx, ch, c, Areas, "area_code", u.AreaCode, "区域", "area"); err != nil {
			return err
		}
	}
	if u.OrgCode != "" {
		if _, _, err := need[org.Org](ctx, ch, c, Orgs, "org_code", u.OrgCode, "单位", "organisation"); err != nil {
			return err
		}
	}
	for _, d := range u.Depots {
		if _, _, err := need[depot.Depot](ctx, ch, c, Depots, "depots", d, "储备库", "depot"); err != nil {
			return err
		}
	}
	return nil
}
