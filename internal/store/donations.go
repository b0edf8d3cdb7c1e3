package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/donation"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// donationSchema is step 15's part for donations: the donation, and on
// every lot the donor's restriction and the donation it came from.
var donationSchema = []string{
	`ALTER TABLE lots ADD COLUMN restrict_area TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE lots ADD COLUMN restrict_type TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE lots ADD COLUMN restrict_purpose TEXT NOT NULL DEFAULT ''`,
	`ALTER TABLE lots ADD COLUMN donation_id BIGINT`,
	`CREATE INDEX lots_donation ON lots (donation_id)`,
	`CREATE TABLE donations (
		id              {{id}},
		donor           TEXT NOT NULL,
		donor_kind      TEXT NOT NULL CHECK (donor_kind IN ('person', 'enterprise', 'organisation')),
		anonymous       {{bool}} NOT NULL,
		depot_id        BIGINT NOT NULL REFERENCES depots (id),
		body            TEXT NOT NULL,
		posting_id      BIGINT REFERENCES postings (id),
		idempotency_key TEXT NOT NULL,
		request_hash    TEXT NOT NULL,
		created_by      TEXT NOT NULL,
		created_at      BIGINT NOT NULL,
		UNIQUE (created_by, idempotency_key)
	)`,
	`CREATE INDEX donations_depot ON donations (depot_id, id)`,
}

// ReceiveDonation records a donation's intake in one transaction: the
// donation, one receipt of a new lot per line not rejected (quality good
// or pending as checked), and the donor's restriction on every new lot.
// A restriction's area must exist. The same intake sent again under its
// idempotency key (by the same person) is stored once (replayed true);
// another donation under that key is a conflict.
func (s *Store) ReceiveDonation(ctx context.Context, d donation.Donation, actor string) (donation.Donation, bool, error) {
	if err := d.Validate(); err != nil {
		return d, false, err
	}
	d.Lines = slices.Clone(d.Lines)
	for i := range d.Lines {
		d.Lines[i].Lot = "" // set here, from the lots made
	}
	hash, err := hashRequest(d.Donor, d.DonorKind, d.Contact, d.Anonymous, d.Depot, d.Note, d.Restriction, d.Lines)
	if err != nil {
		return d, false, err
	}
	var replayed bool
	err = s.InTx(ctx, func(tx *Store) error {
		if id, err := tx.storedUnder(ctx, "donations", actor, d.IdempotencyKey, hash); err != nil || id != 0 {
			if err == nil {
				replayed = true
				d, err = tx.Donation(ctx, id)
			}
			return err
		}
		if d.Restriction.Area != "" {
			if _, err := tx.Area(ctx, d.Restriction.Area); err != nil {
				return withField(err, "restriction.area")
			}
		}
		var depotID int64
		if err := tx.queryRow(ctx, `SELECT id FROM depots WHERE code = ? AND role = ?`, d.Depot, roleDepot).Scan(&depotID); err != nil {
			return withField(notFound(err, "depot", "储备库", d.Depot), "depot")
		}
		d.CreatedBy, d.CreatedAt = actor, tx.now().Unix()
		if err := tx.queryRow(ctx, `INSERT INTO donations (donor, donor_kind, anonymous, depot_id, body, idempotency_key,
			request_hash, created_by, created_at) VALUES (?, ?, ?, ?, '{}', ?, ?, ?, ?) RETURNING id`, d.Donor,
			string(d.DonorKind), d.Anonymous, depotID, d.IdempotencyKey, hash, actor, d.CreatedAt).Scan(&d.ID); err != nil {
			return fmt.Errorf("store: donation: %w", err)
		}
		r, err := tx.Post(ctx, d.Posting(actor))
		if err != nil {
			return err
		}
		d.PostingID = r.ID
		k := 0
		for i := range d.Lines {
			if d.Lines[i].Check == donation.Rejected {
				continue
			}
			e := r.Entries[k]
			k++
			d.Lines[i].Lot = e.LotCode
			if _, err := tx.exec(ctx, `UPDATE lots SET donation_id = ?, restrict_area = ?, restrict_type = ?, restrict_purpose = ?
				WHERE id = ?`, d.ID, d.Restriction.Area, d.Restriction.IncidentType, d.Restriction.Purpose, e.LotID); err != nil {
				return fmt.Errorf("store: donation %d: %w", d.ID, err)
			}
		}
		body, err := json.Marshal(d)
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE donations SET body = ?, posting_id = ? WHERE id = ?`, string(body), r.ID, d.ID)
		return err
	})
	return d, replayed, err
}

// Donation returns a donation as received.
func (s *Store) Donation(ctx context.Context, id int64) (donation.Donation, error) {
	var d donation.Donation
	var body string
	if err := s.queryRow(ctx, `SELECT body FROM donations WHERE id = ?`, id).Scan(&body); err != nil {
		return d, notFound(err, "donation", "捐赠", strconv.FormatInt(id, 10))
	}
	return d, json.Unmarshal([]byte(body), &d)
}

// Donations lists donations, newest first, at most limit (1 to 1000,
// else 100), of one depot if given, received at depots in view (nil: all).
func (s *Store) Donations(ctx context.Context, view *access.View, depot string, limit int) ([]donation.Donation, error) {
	var w where
	w.addIf(depot, "d.code = ?")
	w.visible(view, "d", "")
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.query(ctx, `SELECT x.body FROM donations x JOIN depots d ON d.id = x.depot_id`+w.String()+
		`ORDER BY x.id DESC LIMIT `+strconv.Itoa(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: donations: %w", err)
	}
	return collectBodies[donation.Donation](rows)
}

// OpenNeeds lists the demands of open incidents for the given items with
// what no approved or executed plan has covered yet, and the district
// each site lies in: what a donation may be matched to.
func (s *Store) OpenNeeds(ctx context.Context, items []string) ([]donation.Need, []string, error) {
	incidents, err := s.Incidents(ctx, string(dispatch.IncidentOpen))
	if err != nil {
		return nil, nil, err
	}
	districts, err := s.Inventory().Districts(ctx)
	if err != nil {
		return nil, nil, err
	}
	codes := make([]string, len(districts))
	for i, d := range districts {
		codes[i] = d.Code
	}
	covered := map[string]stock.Quantity{} // incident/site/item
	rows, err := s.query(ctx, `SELECT pl.incident, pl.site, pl.item, SUM(pl.quantity) FROM plan_lines pl
		JOIN plans p ON p.id = pl.plan_id JOIN incidents i ON i.code = pl.incident
		WHERE p.status IN ('approved', 'executed') AND i.status = 'open' GROUP BY pl.incident, pl.site, pl.item`)
	if err != nil {
		return nil, nil, fmt.Errorf("store: open needs: %w", err)
	}
	if _, err := collect(rows, func(r *sql.Rows) (struct{}, error) {
		var in, site, item string
		var q stock.Quantity
		err := r.Scan(&in, &site, &item, &q)
		covered[in+"/"+site+"/"+item] += q
		return struct{}{}, err
	}); err != nil {
		return nil, nil, err
	}
	want := map[string]bool{}
	for _, it := range items {
		want[it] = true
	}
	var out []donation.Need
	for _, in := range incidents {
		for _, st := range in.Sites {
			for _, dm := range st.Demands {
				if !want[dm.Item] {
					continue
				}
				open := dm.Quantity - covered[in.Code+"/"+st.Code+"/"+dm.Item]
				if open <= 0 {
					continue
				}
				out = append(out, donation.Need{Incident: in.Code, IncidentType: in.Type, Site: st.Code, SiteName: st.Name,
					District: dispatch.SiteDistrict(districts, st), InCity: !dispatch.SiteOutside(districts, st),
					Point: st.Point, Item: dm.Item, Open: open})
			}
		}
	}
	return out, codes, nil
}

// DonationReport is one donation as the public report (捐赠公示) shows
// it: who gave (or 匿名捐赠), when, what was received, and where it went.
type DonationReport struct {
	ID        int64               `json:"id"`
	Donor     string              `json:"donor"`
	Anonymous bool                `json:"anonymous"` // Donor is then 匿名捐赠
	DonorKind donation.DonorKind  `json:"donor_kind"`
	At        int64               `json:"at"`
	Depot     string              `json:"depot"`
	Purpose   string              `json:"purpose,omitempty"`
	Items     []DonationItemTrace `json:"items"`
}

// DonationItemTrace is what became of one item of a donation.
type DonationItemTrace struct {
	Item     string         `json:"item"`
	NameZH   string         `json:"name_zh"`
	UnitZH   string         `json:"unit_zh"`
	Received stock.Quantity `json:"received"`
	InStock  stock.Quantity `json:"in_stock"` // still held, in depots, on the road or at sites
	// Used is what was handed out or used up, by place: a site store's
	// name (现场库 · …) or a depot's for issues straight from a depot.
	Used []DonationUse `json:"used"`
}

// DonationUse is an amount handed out or used up at one place.
type DonationUse struct {
	Place    string         `json:"place"`
	Quantity stock.Quantity `json:"quantity"`
}

// DonationsReport is the public report of the newest donations (at most
// limit, 1 to 500, else 100). Its cost is the donations' lots and their
// entries (lots_donation, movements_lot), not the ledger's size.
func (s *Store) DonationsReport(ctx context.Context, limit int) ([]DonationReport, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	ds, err := s.Donations(ctx, nil, "", limit)
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	out := make([]DonationReport, len(ds))
	at := map[int64]int{}
	for i, d := range ds {
		out[i] = DonationReport{ID: d.ID, Donor: d.PublicDonor(), Anonymous: d.Anonymous, DonorKind: d.DonorKind, At: d.CreatedAt,
			Depot: d.Depot, Purpose: d.Restriction.Purpose}
		at[d.ID] = i
	}
	rows, err := s.query(ctx, `SELECT l.donation_id, i.code, i.name_zh, i.unit_zh,
		COALESCE(SUM(CASE WHEN m.kind = 'receive' THEN m.delta ELSE 0 END), 0),
		COALESCE((SELECT SUM(b.quantity) FROM balances b WHERE b.lot_id = l.id), 0)
		FROM lots l JOIN items i ON i.id = l.item_id LEFT JOIN movements m ON m.lot_id = l.id
		WHERE l.donation_id >= ? GROUP BY l.id, l.donation_id, i.code, i.name_zh, i.unit_zh ORDER BY l.donation_id, i.code`,
		ds[len(ds)-1].ID)
	if err != nil {
		return nil, fmt.Errorf("store: donation report: %w", err)
	}
	if _, err := collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var t DonationItemTrace
		err := r.Scan(&id, &t.Item, &t.NameZH, &t.UnitZH, &t.Received, &t.InStock)
		if k, ok := at[id]; ok && err == nil {
			out[k].Items = mergeTrace(out[k].Items, t)
		}
		return struct{}{}, err
	}); err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT l.donation_id, i.code, d.name_zh, SUM(-m.delta) FROM lots l
		JOIN movements m ON m.lot_id = l.id AND m.kind = 'issue' JOIN depots d ON d.id = m.depot_id JOIN items i ON i.id = l.item_id
		WHERE l.donation_id >= ? GROUP BY l.donation_id, i.code, d.name_zh ORDER BY l.donation_id, i.code, d.name_zh`,
		ds[len(ds)-1].ID)
	if err != nil {
		return nil, fmt.Errorf("store: donation report: %w", err)
	}
	_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
		var id int64
		var item string
		var u DonationUse
		err := r.Scan(&id, &item, &u.Place, &u.Quantity)
		if k, ok := at[id]; ok && err == nil {
			for j := range out[k].Items {
				if out[k].Items[j].Item == item {
					out[k].Items[j].Used = append(out[k].Items[j].Used, u)
				}
			}
		}
		return struct{}{}, err
	})
	return out, err
}

// mergeTrace adds a lot's trace to the item's, so that a donation of two
// lots of one item reads as one row.
func mergeTrace(items []DonationItemTrace, t DonationItemTrace) []DonationItemTrace {
	for i := range items {
		if items[i].Item == t.Item {
			items[i].Received += t.Received
			items[i].InStock += t.InStock
			return items
		}
	}
	return append(items, t)
}

// storedUnder returns the id of the row of table that createdBy stored
// under idempotency key, 0 when there is none, or idempotency.key_reused
// when that row came from a different request (hash, see hashRequest).
// The tables keep created_by, idempotency_key and request_hash.
func (s *Store) storedUnder(ctx context.Context, table, createdBy, key, hash string) (int64, error) {
	var id int64
	var stored string
	err := s.queryRow(ctx, `SELECT id, request_hash FROM `+table+` WHERE created_by = ? AND idempotency_key = ?`,
		createdBy, key).Scan(&id, &stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("store: %s by idempotency key: %w", table, err)
	case stored != hash:
		return 0, apperr.New(apperr.Conflict, "idempotency.key_reused", "幂等键「%s」已用于另一笔不同的请求",
			"idempotency key %q was already used for a different request", key).WithField("idempotency_key")
	}
	return id, nil
}

// hashRequest is the SHA-256 of a request's parts as JSON: what a retry
// under the same idempotency key must repeat.
func hashRequest(parts ...any) (string, error) {
	b, err := json.Marshal(parts)
	if err != nil {
		return "", fmt.Errorf("store: request hash: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
