package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/site"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// SiteLocation returns the ledger location of an incident's site (现场库),
// creating it on first use: at the site's point, in the site's area if it
// names one, else in the nearest district of the home city, held by the
// city's emergency bureau.
func (s *Store) SiteLocation(ctx context.Context, in dispatch.Incident, st dispatch.Site) (string, error) {
	return s.siteLocation(ctx, s.Inventory(), in, st)
}

// siteLocation is SiteLocation with the districts read once by inv, so
// that the stores of a plan's many sites are made from one read of them.
func (s *Store) siteLocation(ctx context.Context, inv dispatch.Inventory, in dispatch.Incident, st dispatch.Site) (string, error) {
	code := site.LocationCode(in.Code, st.Code)
	var id int64
	err := s.queryRow(ctx, `SELECT location_id FROM incident_sites WHERE incident = ? AND site = ?`, in.Code, st.Code).Scan(&id)
	if err == nil {
		return code, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: site %s: %w", code, err)
	}
	areaID, tier, err := s.siteArea(ctx, inv, st)
	if err != nil {
		return "", err
	}
	org, err := s.cityBureau(ctx)
	if err != nil {
		return "", fmt.Errorf("store: site %s: no organisation to hold it: %w", code, err)
	}
	if err := s.queryRow(ctx, `INSERT INTO depots (code, name_zh, name_en, tier, kind, org_id, area_id, lat, lon, address, role)
		VALUES (?, ?, ?, ?, 'special', ?, ?, ?, ?, ?, ?) RETURNING id`, code, "现场库 · "+st.Name+"（"+in.Title+"）",
		"Site store · "+st.Name, tier, org, areaID, st.Point.Lat, st.Point.Lon, st.Name, roleSite).Scan(&id); err != nil {
		return "", fmt.Errorf("store: site %s: %w", code, err)
	}
	if _, err := s.exec(ctx, `INSERT INTO incident_sites (location_id, incident, site) VALUES (?, ?, ?)`,
		id, in.Code, st.Code); err != nil {
		return "", fmt.Errorf("store: site %s: %w", code, err)
	}
	return code, nil
}

// cityBureau is the id and code of the organisation that stands for the
// city: the bureau of the shallowest area, else the shallowest
// organisation.
func (s *Store) cityBureau(ctx context.Context) (id int64, err error) {
	err = s.queryRow(ctx, cityBureauID).Scan(&id)
	return id, err
}

const cityBureauID = `SELECT o.id FROM orgs o JOIN areas a ON a.id = o.area_id
	ORDER BY CASE o.kind WHEN 'bureau' THEN 0 ELSE 1 END, LENGTH(a.path), o.id LIMIT 1`

// CityBureau returns the organisation that signs the city's documents
// (orders print its name as 签发单位).
func (s *Store) CityBureau(ctx context.Context) (org.Org, error) {
	var code string
	if err := s.queryRow(ctx, `SELECT code FROM orgs WHERE id = (`+cityBureauID+`)`).Scan(&code); err != nil {
		return org.Org{}, notFound(err, "organisation", "单位", "bureau")
	}
	return s.Org(ctx, code)
}

// siteArea is the area a site's store lies in and that area's level.
func (s *Store) siteArea(ctx context.Context, inv dispatch.Inventory, st dispatch.Site) (int64, string, error) {
	var id int64
	var level string
	if st.Area != "" {
		err := s.queryRow(ctx, `SELECT id, level FROM areas WHERE code = ?`, st.Area).Scan(&id, &level)
		if err == nil {
			return id, level, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, "", err
		}
	}
	districts, err := inv.Districts(ctx)
	if err != nil {
		return 0, "", err
	}
	best, bestKm := "", 0.0
	for _, d := range districts {
		if km := geo.DistanceKm(d.Point, st.Point); best == "" || km < bestKm {
			best, bestKm = d.Code, km
		}
	}
	q, args := `SELECT id, level FROM areas WHERE code = ?`, []any{best}
	if best == "" { // no districts at all: the shallowest area
		q, args = `SELECT id, level FROM areas ORDER BY LENGTH(path), id LIMIT 1`, nil
	}
	if err := s.queryRow(ctx, q, args...).Scan(&id, &level); err != nil {
		return 0, "", fmt.Errorf("store: site area: %w", err)
	}
	return id, level, nil
}

// SiteView is an incident site's store and what it holds.
type SiteView struct {
	ID       int64          `json:"id"`
	Code     string         `json:"code"` // the ledger location
	NameZH   string         `json:"name_zh"`
	Incident string         `json:"incident"`
	Site     string         `json:"site"`
	Point    geo.Point      `json:"point"`
	OnHand   stock.Quantity `json:"on_hand"` // all items together, in units
	Lots     int64          `json:"lots"`
}

const siteColumns = `SELECT d.id, d.code, d.name_zh, x.incident, x.site, d.lat, d.lon,
	COALESCE((SELECT SUM(s.quantity) FROM depot_stock s WHERE s.depot_id = d.id), 0),
	COALESCE((SELECT SUM(s.lots) FROM depot_stock s WHERE s.depot_id = d.id), 0)
	FROM incident_sites x JOIN depots d ON d.id = x.location_id`

func scanSite(r interface{ Scan(...any) error }) (v SiteView, err error) {
	err = r.Scan(&v.ID, &v.Code, &v.NameZH, &v.Incident, &v.Site, &v.Point.Lat, &v.Point.Lon, &v.OnHand, &v.Lots)
	return v, err
}

// Sites lists the incident site stores, of one incident if given.
func (s *Store) Sites(ctx context.Context, incident string) ([]SiteView, error) {
	var w where
	w.addIf(incident, "x.incident = ?")
	rows, err := s.query(ctx, siteColumns+w.String()+`ORDER BY x.incident, x.site`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: sites: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (SiteView, error) { return scanSite(r) })
}

// Site returns a site store by its code.
func (s *Store) Site(ctx context.Context, code string) (SiteView, error) {
	v, err := scanSite(s.queryRow(ctx, siteColumns+` WHERE d.code = ?`, code))
	if err != nil {
		return v, notFound(err, "site", "现场库", code)
	}
	return v, nil
}

// SiteLot is a lot held at a site.
type SiteLot struct {
	Item       string         `json:"item"`
	ItemNameZH string         `json:"item_name_zh"`
	ItemNameEN string         `json:"item_name_en"`
	UnitZH     string         `json:"unit_zh"`
	Lot        string         `json:"lot"`
	Batch      string         `json:"batch"`
	ExpiresOn  string         `json:"expires_on,omitempty"`
	Quantity   stock.Quantity `json:"quantity"`
}

// SiteLots lists the lots a location holds, by item and lot.
func (s *Store) SiteLots(ctx context.Context, locationID int64) ([]SiteLot, error) {
	rows, err := s.query(ctx, `SELECT i.code, i.name_zh, i.name_en, i.unit_zh, l.code, l.batch, l.expires_on, b.quantity
		FROM balances b JOIN items i ON i.id = b.item_id JOIN lots l ON l.id = b.lot_id
		WHERE b.depot_id = ? AND b.quantity > 0 ORDER BY i.code, l.code`, locationID)
	if err != nil {
		return nil, fmt.Errorf("store: site lots: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (x SiteLot, err error) {
		err = r.Scan(&x.Item, &x.ItemNameZH, &x.ItemNameEN, &x.UnitZH, &x.Lot, &x.Batch, &x.ExpiresOn, &x.Quantity)
		return x, err
	})
}

// UseSite records a use of a site's stock (distribute, consume, return)
// in one transaction: its ledger posting and the use. A retry under the
// same idempotency key is stored once (replayed true). The location must
// be a site store and a return's depot a depot.
func (s *Store) UseSite(ctx context.Context, u site.Use, actor string) (site.Use, bool, error) {
	if err := u.Validate(); err != nil {
		return u, false, err
	}
	var replayed bool
	err := s.InTx(ctx, func(tx *Store) error {
		var locID int64
		if err := tx.queryRow(ctx, `SELECT d.id FROM depots d JOIN incident_sites x ON x.location_id = d.id WHERE d.code = ?`,
			u.Location).Scan(&locID); err != nil {
			return withField(notFound(err, "site", "现场库", u.Location), "location")
		}
		var toID sql.NullInt64
		if u.Kind == site.Return {
			var role string
			if err := tx.queryRow(ctx, `SELECT id, role FROM depots WHERE code = ?`, u.ToDepot).Scan(&toID, &role); err != nil {
				return withField(notFound(err, "depot", "储备库", u.ToDepot), "to_depot")
			}
			if role != roleDepot {
				return apperr.New(apperr.Invalid, "site_use.to_depot", "回收须入储备库，%s 不是储备库",
					"a return goes to a depot; %s is not one", u.ToDepot).WithField("to_depot")
			}
		}
		r, err := tx.Post(ctx, u.Posting(actor))
		if err != nil {
			return err
		}
		u.PostingID, u.CreatedBy, u.CreatedAt = r.ID, actor, tx.now().Unix()
		if r.Replayed {
			replayed = true
			return tx.queryRow(ctx, `SELECT id, created_by, created_at FROM site_uses WHERE posting_id = ?`, r.ID).
				Scan(&u.ID, &u.CreatedBy, &u.CreatedAt)
		}
		return tx.queryRow(ctx, `INSERT INTO site_uses (location_id, kind, recipient, to_id, note, posting_id, created_by,
			created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, locID, string(u.Kind), u.Recipient, toID, u.Note,
			r.ID, actor, u.CreatedAt).Scan(&u.ID)
	})
	return u, replayed, err
}

// SiteUses lists the uses of a site store, newest first, at most 500.
func (s *Store) SiteUses(ctx context.Context, locationID int64) ([]site.Use, error) {
	rows, err := s.query(ctx, `SELECT u.id, u.kind, d.code, u.recipient, COALESCE(t.code, ''), u.note, u.posting_id,
		u.created_by, u.created_at FROM site_uses u JOIN depots d ON d.id = u.location_id LEFT JOIN depots t ON t.id = u.to_id
		WHERE u.location_id = ? ORDER BY u.id DESC LIMIT 500`, locationID)
	if err != nil {
		return nil, fmt.Errorf("store: site uses: %w", err)
	}
	uses, err := collect(rows, func(r *sql.Rows) (u site.Use, err error) {
		var kind string
		err = r.Scan(&u.ID, &kind, &u.Location, &u.Recipient, &u.ToDepot, &u.Note, &u.PostingID, &u.CreatedBy, &u.CreatedAt)
		u.Kind = site.UseKind(kind)
		return u, err
	})
	if err != nil {
		return nil, err
	}
	if len(uses) == 0 {
		return uses, nil
	}
	at := map[int64]int{}
	for i, u := range uses {
		at[u.ID] = i
	}
	rows, err = s.query(ctx, `SELECT u.id, i.code, l.code, -m.delta FROM site_uses u
		JOIN movements m ON m.posting_id = u.posting_id AND m.depot_id = u.location_id AND m.delta < 0
		JOIN items i ON i.id = m.item_id JOIN lots l ON l.id = m.lot_id
		WHERE u.location_id = ? AND u.id >= ? ORDER BY m.seq`, locationID, uses[len(uses)-1].ID)
	if err != nil {
		return nil, fmt.Errorf("store: site uses: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var l site.Line
		err := r.Scan(&id, &l.Item, &l.Lot, &l.Quantity)
		if k, ok := at[id]; ok && err == nil {
			uses[k].Lines = append(uses[k].Lines, l)
		}
		return struct{}{}, err
	})
	return uses, err
}
