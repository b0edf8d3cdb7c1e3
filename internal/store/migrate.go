package store

import (
	"context"
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// migration is one step of the schema. Statements are portable SQL with the
// tokens {{id}}, {{bool}} and {{blob}} rewritten per engine; sqliteOnly and
// postgresOnly hold what cannot be written portably (triggers). run, when
// set, is Go code that moves stored data forward (old JSON bodies into new
// rows, say) after the statements, in the same transaction.
type migration struct {
	name         string
	stmts        []string
	sqliteOnly   []string
	postgresOnly []string
	run          func(ctx context.Context, tx *Store) error
}

// migrations is the ordered list of schema steps. Append only: a released
// step is never edited, because databases in the field have applied it.
var migrations = []migration{
	{name: "catalogue, areas, organisations, depots, lots and the ledger", stmts: []string{
		`CREATE TABLE categories (
			code    TEXT PRIMARY KEY,
			name_zh TEXT NOT NULL,
			name_en TEXT NOT NULL DEFAULT '',
			local   {{bool}} NOT NULL
		)`,
		`CREATE TABLE items (
			id              {{id}},
			code            TEXT NOT NULL UNIQUE,
			name_zh         TEXT NOT NULL,
			name_en         TEXT NOT NULL DEFAULT '',
			unit_zh         TEXT NOT NULL,
			unit_en         TEXT NOT NULL DEFAULT '',
			counted         {{bool}} NOT NULL,
			spec            TEXT NOT NULL DEFAULT '',
			shelf_life_days INTEGER NOT NULL DEFAULT 0 CHECK (shelf_life_days >= 0),
			purpose         TEXT NOT NULL CHECK (purpose IN ('rescue', 'life')),
			volume_m3       DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (volume_m3 >= 0)
		)`,
		`CREATE TABLE areas (
			id         {{id}},
			code       TEXT NOT NULL UNIQUE,
			parent_id  BIGINT REFERENCES areas (id),
			level      TEXT NOT NULL CHECK (level IN ('city', 'district', 'street', 'community')),
			name_zh    TEXT NOT NULL,
			name_en    TEXT NOT NULL DEFAULT '',
			population BIGINT NOT NULL DEFAULT 0 CHECK (population >= 0),
			lat        DOUBLE PRECISION NOT NULL,
			lon        DOUBLE PRECISION NOT NULL,
			terrain    TEXT NOT NULL DEFAULT '',
			path       TEXT NOT NULL UNIQUE
		)`,
		`CREATE TABLE orgs (
			id      {{id}},
			code    TEXT NOT NULL UNIQUE,
			name_zh TEXT NOT NULL,
			name_en TEXT NOT NULL DEFAULT '',
			kind    TEXT NOT NULL CHECK (kind IN ('bureau', 'department', 'enterprise')),
			area_id BIGINT NOT NULL REFERENCES areas (id)
		)`,
		`CREATE TABLE depots (
			id          {{id}},
			code        TEXT NOT NULL UNIQUE,
			name_zh     TEXT NOT NULL,
			name_en     TEXT NOT NULL DEFAULT '',
			tier        TEXT NOT NULL CHECK (tier IN ('city', 'district', 'street', 'community')),
			kind        TEXT NOT NULL CHECK (kind IN ('comprehensive', 'special')),
			org_id      BIGINT NOT NULL REFERENCES orgs (id),
			area_id     BIGINT NOT NULL REFERENCES areas (id),
			lat         DOUBLE PRECISION NOT NULL,
			lon         DOUBLE PRECISION NOT NULL,
			address     TEXT NOT NULL DEFAULT '',
			capacity_m3 DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (capacity_m3 >= 0)
		)`,
		`CREATE INDEX depots_area ON depots (area_id)`,
		`CREATE TABLE lots (
			id          {{id}},
			code        TEXT NOT NULL UNIQUE,
			item_id     BIGINT NOT NULL REFERENCES items (id),
			batch       TEXT NOT NULL,
			produced_on TEXT NOT NULL DEFAULT '',
			expires_on  TEXT NOT NULL DEFAULT '',
			quality     TEXT NOT NULL CHECK (quality IN ('good', 'pending', 'damaged')),
			owner_id    BIGINT NOT NULL REFERENCES orgs (id),
			created_at  BIGINT NOT NULL,
			CHECK (expires_on = '' OR produced_on = '' OR expires_on >= produced_on)
		)`,
		`CREATE INDEX lots_item ON lots (item_id, expires_on)`,
		`CREATE TABLE postings (
			id              {{id}},
			idempotency_key TEXT UNIQUE,
			request_hash    TEXT NOT NULL,
			actor           TEXT NOT NULL,
			reason          TEXT NOT NULL,
			created_at      BIGINT NOT NULL
		)`,
		`CREATE TABLE movements (
			seq        BIGINT PRIMARY KEY,
			posting_id BIGINT NOT NULL REFERENCES postings (id),
			kind       TEXT NOT NULL,
			depot_id   BIGINT NOT NULL REFERENCES depots (id),
			lot_id     BIGINT NOT NULL REFERENCES lots (id),
			item_id    BIGINT NOT NULL REFERENCES items (id),
			delta      BIGINT NOT NULL,
			actor      TEXT NOT NULL,
			reason     TEXT NOT NULL,
			at         BIGINT NOT NULL,
			prev_hash  TEXT NOT NULL,
			hash       TEXT NOT NULL
		)`,
		`CREATE INDEX movements_depot ON movements (depot_id, seq)`,
		`CREATE INDEX movements_lot ON movements (lot_id, seq)`,
		`CREATE INDEX movements_posting ON movements (posting_id)`,
		`CREATE TABLE balances (
			depot_id BIGINT NOT NULL REFERENCES depots (id),
			lot_id   BIGINT NOT NULL REFERENCES lots (id),
			item_id  BIGINT NOT NULL REFERENCES items (id),
			quantity BIGINT NOT NULL CHECK (quantity >= 0),
			PRIMARY KEY (depot_id, lot_id)
		)`,
		`CREATE INDEX balances_item ON balances (item_id, depot_id)`,
		`CREATE TABLE ledger_head (
			id   INTEGER PRIMARY KEY CHECK (id = 1),
			seq  BIGINT NOT NULL,
			hash TEXT NOT NULL
		)`,
		`INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')`,
	},
		// The ledger is append-only: the database itself refuses to change
		// or remove an entry. (Someone with the rights to drop the trigger
		// can still do it; the hash chain is what reveals that.)
		sqliteOnly: []string{
			`CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements
			BEGIN SELECT RAISE(ABORT, 'movements are append-only'); END`,
			`CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements
			BEGIN SELECT RAISE(ABORT, 'movements are append-only'); END`,
		},
		postgresOnly: []string{
			`CREATE FUNCTION movements_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'movements are append-only'; END $$`,
			`CREATE TRIGGER movements_no_change BEFORE UPDATE OR DELETE ON movements
			FOR EACH ROW EXECUTE FUNCTION movements_append_only()`,
		},
	},
	{name: "reservations, agreement and capacity reserves, incidents and plans", stmts: []string{
		`CREATE TABLE agreement_reserves (
			id             {{id}},
			code           TEXT NOT NULL UNIQUE,
			org_id         BIGINT NOT NULL REFERENCES orgs (id),
			item_id        BIGINT NOT NULL REFERENCES items (id),
			quantity       BIGINT NOT NULL CHECK (quantity >= 0),
			reserved       BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= quantity),
			delivery_hours DOUBLE PRECISION NOT NULL CHECK (delivery_hours >= 0),
			valid_from     TEXT NOT NULL,
			valid_until    TEXT NOT NULL,
			lat            DOUBLE PRECISION NOT NULL,
			lon            DOUBLE PRECISION NOT NULL,
			note           TEXT NOT NULL DEFAULT '',
			CHECK (valid_until >= valid_from)
		)`,
		`CREATE INDEX agreement_reserves_item ON agreement_reserves (item_id)`,
		`CREATE TABLE capacity_reserves (
			id          {{id}},
			code        TEXT NOT NULL UNIQUE,
			org_id      BIGINT NOT NULL REFERENCES orgs (id),
			item_id     BIGINT NOT NULL REFERENCES items (id),
			per_day     BIGINT NOT NULL CHECK (per_day > 0),
			lead_hours  DOUBLE PRECISION NOT NULL CHECK (lead_hours >= 0),
			reserved    BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
			valid_from  TEXT NOT NULL,
			valid_until TEXT NOT NULL,
			lat         DOUBLE PRECISION NOT NULL,
			lon         DOUBLE PRECISION NOT NULL,
			note        TEXT NOT NULL DEFAULT '',
			CHECK (valid_until >= valid_from)
		)`,
		`CREATE INDEX capacity_reserves_item ON capacity_reserves (item_id)`,
		`CREATE TABLE incidents (
			id         {{id}},
			code       TEXT NOT NULL UNIQUE,
			status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
			priority   INTEGER NOT NULL,
			body       TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE TABLE plans (
			id          {{id}},
			status      TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'executed', 'cancelled', 'superseded')),
			incidents   TEXT NOT NULL,
			objective   BIGINT NOT NULL,
			body        TEXT NOT NULL,
			created_at  BIGINT NOT NULL,
			updated_at  BIGINT NOT NULL,
			replaces_id BIGINT REFERENCES plans (id),
			posting_id  BIGINT REFERENCES postings (id)
		)`,
		`CREATE INDEX plans_status ON plans (status, id)`,
	},
		// Balances gain the units set aside for approved plans (预留). They
		// stay on hand, but no issue, transfer or scrap may take them; reserve
		// and release ledger entries change them, so Verify recomputes them
		// like quantities.
		//
		// SQLite cannot add a table constraint, so it rebuilds the table, and
		// makes it a WITHOUT ROWID table on the way: a balance is then found
		// by its key in one B-tree search rather than two, which every FEFO
		// pick and balance report repeats hundreds of times.
		sqliteOnly: []string{
			`CREATE TABLE balances_new (
				depot_id BIGINT NOT NULL REFERENCES depots (id),
				lot_id   BIGINT NOT NULL REFERENCES lots (id),
				item_id  BIGINT NOT NULL REFERENCES items (id),
				quantity BIGINT NOT NULL CHECK (quantity >= 0),
				reserved BIGINT NOT NULL DEFAULT 0,
				PRIMARY KEY (depot_id, lot_id),
				CHECK (reserved >= 0 AND reserved <= quantity)
			) WITHOUT ROWID`,
			`INSERT INTO balances_new (depot_id, lot_id, item_id, quantity)
			SELECT depot_id, lot_id, item_id, quantity FROM balances`,
			`DROP TABLE balances`,
			`ALTER TABLE balances_new RENAME TO balances`,
			`CREATE INDEX balances_item ON balances (item_id, depot_id)`,
		},
		postgresOnly: []string{
			`ALTER TABLE balances ADD COLUMN reserved BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE balances ADD CONSTRAINT balances_reserved CHECK (reserved >= 0 AND reserved <= quantity)`,
		},
	},
	{name: "readiness settings, scenarios, pre-positioning and transfer orders", stmts: []string{
		// One readiness configuration (norms, tier shares, response levels)
		// per city; a city without one uses the shipped defaults.
		`CREATE TABLE readiness_configs (
			area_code  TEXT PRIMARY KEY,
			body       TEXT NOT NULL,
			updated_at BIGINT NOT NULL,
			updated_by TEXT NOT NULL
		)`,
		`CREATE TABLE scenarios (
			id         {{id}},
			code       TEXT NOT NULL UNIQUE,
			body       TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE TABLE transfer_orders (
			id         {{id}},
			status     TEXT NOT NULL CHECK (status IN ('ordered', 'executed', 'cancelled')),
			body       TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL,
			posting_id BIGINT REFERENCES postings (id)
		)`,
		`CREATE INDEX transfer_orders_status ON transfer_orders (status, id)`,
		`CREATE TABLE prepositions (
			id          {{id}},
			status      TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'cancelled')),
			warning     TEXT NOT NULL,
			body        TEXT NOT NULL,
			created_at  BIGINT NOT NULL,
			updated_at  BIGINT NOT NULL,
			transfer_id BIGINT REFERENCES transfer_orders (id)
		)`,
		`CREATE INDEX prepositions_status ON prepositions (status, id)`,
	}},
	{name: "accounts, sessions, API tokens, sign-in throttling and the audit trail", stmts: []string{
		`CREATE TABLE users (
			id             {{id}},
			username       TEXT NOT NULL UNIQUE,
			name           TEXT NOT NULL,
			roles          TEXT NOT NULL,
			area_id        BIGINT REFERENCES areas (id),
			org_id         BIGINT REFERENCES orgs (id),
			password_hash  TEXT NOT NULL,
			disabled       {{bool}} NOT NULL DEFAULT FALSE,
			must_change    {{bool}} NOT NULL DEFAULT FALSE,
			created_at     BIGINT NOT NULL,
			updated_at     BIGINT NOT NULL,
			version        BIGINT NOT NULL DEFAULT 1
		)`,
		`CREATE TABLE user_depots (
			user_id  BIGINT NOT NULL REFERENCES users (id),
			depot_id BIGINT NOT NULL REFERENCES depots (id),
			PRIMARY KEY (user_id, depot_id)
		)`,
		// A session's and a token's id is the SHA-256 of its secret: the
		// database never holds a credential that could be replayed.
		`CREATE TABLE sessions (
			id         TEXT PRIMARY KEY,
			user_id    BIGINT NOT NULL REFERENCES users (id),
			created_at BIGINT NOT NULL,
			last_seen  BIGINT NOT NULL,
			expires_at BIGINT NOT NULL,
			address    TEXT NOT NULL DEFAULT '',
			revoked    {{bool}} NOT NULL DEFAULT FALSE
		)`,
		`CREATE INDEX sessions_user ON sessions (user_id)`,
		`CREATE TABLE api_tokens (
			id         {{id}},
			name       TEXT NOT NULL,
			hash       TEXT NOT NULL UNIQUE,
			user_id    BIGINT NOT NULL REFERENCES users (id),
			created_by TEXT NOT NULL,
			created_at BIGINT NOT NULL,
			expires_at BIGINT NOT NULL,
			revoked_at BIGINT NOT NULL DEFAULT 0,
			last_used  BIGINT NOT NULL DEFAULT 0
		)`,
		// Browsers that signed in to an account before: they are exempt from
		// the account's sign-in delays (account.Backoff).
		`CREATE TABLE known_devices (
			hash       TEXT PRIMARY KEY,
			user_id    BIGINT NOT NULL REFERENCES users (id),
			created_at BIGINT NOT NULL
		)`,
		`CREATE TABLE sign_in_failures (
			key      TEXT PRIMARY KEY,
			failures INTEGER NOT NULL,
			last_at  BIGINT NOT NULL
		)`,
		// The demo's accounts and their random passwords, listed on the
		// sign-in page of a demo served on a loopback address. Only
		// serve --demo writes here; a password change removes the row.
		`CREATE TABLE demo_accounts (
			username TEXT PRIMARY KEY,
			password TEXT NOT NULL,
			ord      INTEGER NOT NULL
		)`,
		`CREATE TABLE audit_log (
			seq            BIGINT PRIMARY KEY,
			at             BIGINT NOT NULL,
			principal      TEXT NOT NULL,
			address        TEXT NOT NULL,
			action         TEXT NOT NULL,
			object_kind    TEXT NOT NULL,
			object_id      TEXT NOT NULL,
			object_version BIGINT NOT NULL,
			before_json    TEXT,
			after_json     TEXT,
			prev_hash      TEXT NOT NULL,
			hash           TEXT NOT NULL
		)`,
		`CREATE INDEX audit_principal ON audit_log (principal, seq)`,
		`CREATE INDEX audit_object ON audit_log (object_kind, object_id, seq)`,
		`CREATE INDEX audit_at ON audit_log (at)`,
		`CREATE TABLE audit_head (
			id   INTEGER PRIMARY KEY CHECK (id = 1),
			seq  BIGINT NOT NULL,
			hash TEXT NOT NULL
		)`,
		`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')`,
	},
		sqliteOnly: []string{
			`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
			BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
			`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
			BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END`,
		},
		postgresOnly: []string{
			`CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$`,
			`CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_log
			FOR EACH ROW EXECUTE FUNCTION audit_append_only()`,
		},
	},
	{name: "area outlines", stmts: []string{
		// A GeoJSON Polygon or MultiPolygon in WGS-84; NULL when the area has
		// none. Routing classifies points by the area whose outline contains
		// them (routing.AreaTerrain).
		`ALTER TABLE areas ADD COLUMN boundary TEXT`,
	}},
	{name: "contracting party of contract reserves", stmts: []string{
		// The organisation that signed a contract reserve (签约主体): the
		// city's bureau or a district's. Its area, not the enterprise's,
		// gives the reserve's tier and district in readiness. Reserves
		// stored before this step were signed by the city: they take the
		// bureau of the city-level area (the first, if several), or none
		// when there is no such bureau yet, which readiness also counts for
		// the city.
		`ALTER TABLE agreement_reserves ADD COLUMN party_id BIGINT REFERENCES orgs (id)`,
		`ALTER TABLE capacity_reserves ADD COLUMN party_id BIGINT REFERENCES orgs (id)`,
		`UPDATE agreement_reserves SET party_id = (SELECT MIN(o.id) FROM orgs o JOIN areas a ON a.id = o.area_id
			WHERE a.level = 'city' AND o.kind = 'bureau') WHERE party_id IS NULL`,
		`UPDATE capacity_reserves SET party_id = (SELECT MIN(o.id) FROM orgs o JOIN areas a ON a.id = o.area_id
			WHERE a.level = 'city' AND o.kind = 'bureau') WHERE party_id IS NULL`,
	}},
	{name: "stock totals, retirement, unit mass, lot origin and imports", stmts: []string{
		// Stock on hand per depot and item, and per area (its whole subtree)
		// and item, changed by every posting in the same transaction as its
		// entries and checked by Verify, so that reads of totals stop
		// scanning balances and lots. lots counts the depot's lots of the
		// item with stock on hand.
		`CREATE TABLE depot_stock (
			depot_id BIGINT NOT NULL REFERENCES depots (id),
			item_id  BIGINT NOT NULL REFERENCES items (id),
			quantity BIGINT NOT NULL CHECK (quantity >= 0),
			reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= quantity),
			lots     BIGINT NOT NULL DEFAULT 0 CHECK (lots >= 0),
			PRIMARY KEY (depot_id, item_id)
		)`,
		`CREATE INDEX depot_stock_item ON depot_stock (item_id, depot_id)`,
		// The exceptions to the totals, found without scanning: lots not
		// good or with an expiry (expired, expiring), the depots a lot lies
		// in, and the balances with stock reserved.
		`CREATE INDEX lots_state ON lots (quality, expires_on)`,
		`CREATE INDEX balances_lot ON balances (lot_id)`,
		`CREATE INDEX balances_reserved ON balances (depot_id) WHERE reserved > 0`,
		`CREATE TABLE area_stock (
			area_id  BIGINT NOT NULL REFERENCES areas (id),
			item_id  BIGINT NOT NULL REFERENCES items (id),
			quantity BIGINT NOT NULL CHECK (quantity >= 0),
			reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= quantity),
			PRIMARY KEY (area_id, item_id)
		)`,
		`INSERT INTO depot_stock (depot_id, item_id, quantity, reserved, lots)
			SELECT depot_id, item_id, SUM(quantity), SUM(reserved), COUNT(*) FROM balances GROUP BY depot_id, item_id`,
		`INSERT INTO area_stock (area_id, item_id, quantity, reserved)
			SELECT anc.id, s.item_id, SUM(s.quantity), SUM(s.reserved)
			FROM depot_stock s JOIN depots d ON d.id = s.depot_id JOIN areas a ON a.id = d.area_id
			JOIN areas anc ON a.path LIKE anc.path || '%'
			GROUP BY anc.id, s.item_id`,
		// What is referenced is retired, never deleted: hidden from new work
		// (pickers, planning, readiness), kept for history. 0 = in use,
		// otherwise the time of retirement in unix microseconds. version
		// counts edits, so that an edit based on a stale copy is refused.
		`ALTER TABLE categories ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE items ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE areas ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE orgs ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE depots ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE agreement_reserves ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE capacity_reserves ADD COLUMN retired_at BIGINT NOT NULL DEFAULT 0`,
		`ALTER TABLE categories ADD COLUMN version BIGINT NOT NULL DEFAULT 1`,
		`ALTER TABLE items ADD COLUMN version BIGINT NOT NULL DEFAULT 1`,
		`ALTER TABLE areas ADD COLUMN version BIGINT NOT NULL DEFAULT 1`,
		`ALTER TABLE orgs ADD COLUMN version BIGINT NOT NULL DEFAULT 1`,
		`ALTER TABLE depots ADD COLUMN version BIGINT NOT NULL DEFAULT 1`,
		`ALTER TABLE agreement_reserves ADD COLUMN version BIGINT NOT NULL DEFAULT 1`,
		`ALTER TABLE capacity_reserves ADD COLUMN version BIGINT NOT NULL DEFAULT 1`,
		// The mass of one unit in tonnes, for loading trucks.
		`ALTER TABLE items ADD COLUMN mass_t DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (mass_t >= 0)`,
		// The depot a lot was first received at: with item, batch and owner
		// it is the natural key an opening-stock import finds the lot by,
		// also after its balance there went to zero.
		`ALTER TABLE lots ADD COLUMN depot_id BIGINT REFERENCES depots (id)`,
		`UPDATE lots SET depot_id = (SELECT m.depot_id FROM movements m WHERE m.lot_id = lots.id ORDER BY m.seq LIMIT 1)`,
		`CREATE INDEX lots_key ON lots (item_id, batch, owner_id)`,
		// Imports (导入): a file checked and previewed, then committed whole
		// or discarded. The file stays until commit or discard, so that the
		// confirmation applies exactly what was previewed.
		`CREATE TABLE imports (
			id           {{id}},
			kind         TEXT NOT NULL,
			filename     TEXT NOT NULL,
			sha256       TEXT NOT NULL,
			size         BIGINT NOT NULL,
			status       TEXT NOT NULL CHECK (status IN ('previewed', 'committed', 'discarded', 'failed')),
			created_by   TEXT NOT NULL,
			created_at   BIGINT NOT NULL,
			finished_at  BIGINT NOT NULL DEFAULT 0,
			summary      TEXT NOT NULL,
			data         {{blob}}
		)`,
		`CREATE INDEX imports_status ON imports (status, id)`,
	}},
	// On PostgreSQL a foreign key is a trigger per inserted row that reads
	// and share-locks the referenced row (FOR KEY SHARE); on the ledger's
	// tables, written by the million, those checks were half the time of
	// a posting (bench/import, 200,000 rows over 600 depots: 19.7 s with
	// them, 9.4 s without; on SQLite, where a check is one index probe,
	// they cost 5 %, and stay). What they guarded still holds: the poster
	// resolves every depot, lot, item and owner in the transaction that
	// holds the ledger head before it writes a row, nothing deletes master
	// data (it is retired), the entries cannot be changed or deleted, and
	// Verify checks every reference of the entries and lots (VerifyReport.
	// BrokenRefs) besides recomputing balances and totals from them.
	{name: "the ledger's tables without per-row foreign-key triggers on PostgreSQL", postgresOnly: []string{
		`ALTER TABLE movements DROP CONSTRAINT IF EXISTS movements_posting_id_fkey`,
		`ALTER TABLE movements DROP CONSTRAINT IF EXISTS movements_depot_id_fkey`,
		`ALTER TABLE movements DROP CONSTRAINT IF EXISTS movements_lot_id_fkey`,
		`ALTER TABLE movements DROP CONSTRAINT IF EXISTS movements_item_id_fkey`,
		`ALTER TABLE lots DROP CONSTRAINT IF EXISTS lots_item_id_fkey`,
		`ALTER TABLE lots DROP CONSTRAINT IF EXISTS lots_owner_id_fkey`,
		`ALTER TABLE lots DROP CONSTRAINT IF EXISTS lots_depot_id_fkey`,
		`ALTER TABLE balances DROP CONSTRAINT IF EXISTS balances_depot_id_fkey`,
		`ALTER TABLE balances DROP CONSTRAINT IF EXISTS balances_lot_id_fkey`,
		`ALTER TABLE balances DROP CONSTRAINT IF EXISTS balances_item_id_fkey`,
		`ALTER TABLE depot_stock DROP CONSTRAINT IF EXISTS depot_stock_depot_id_fkey`,
		`ALTER TABLE depot_stock DROP CONSTRAINT IF EXISTS depot_stock_item_id_fkey`,
		`ALTER TABLE area_stock DROP CONSTRAINT IF EXISTS area_stock_area_id_fkey`,
		`ALTER TABLE area_stock DROP CONSTRAINT IF EXISTS area_stock_item_id_fkey`,
	}},
	// The change feed (events.go): an event per posting and per audit
	// record, written in the change's transaction. Ids come from
	// audit_head.event_seq, taken under the audit head's row lock, so they
	// are handed out in commit order and a follower never sees a gap that
	// fills in later; every transaction that writes an event takes
	// ledger_head (if it posts) before audit_head, as audit records
	// already do. places are where the change lies, for who may see it
	// (event.Visible): JSON [{"a": area path, "o": org, "d": depot}].
	{name: "the change feed", stmts: []string{
		`ALTER TABLE audit_head ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0`,
		`CREATE TABLE events (
			id             BIGINT PRIMARY KEY,
			at             BIGINT NOT NULL,
			kind           TEXT NOT NULL,
			principal      TEXT NOT NULL,
			object_kind    TEXT NOT NULL,
			object_id      TEXT NOT NULL,
			object_version BIGINT NOT NULL DEFAULT 0,
			data           TEXT,
			places         TEXT NOT NULL
		)`,
	}},
	// Rows pushed by a partner system (POST /api/upserts/{kind}) are an
	// import like a file's; the request's idempotency key makes a retry
	// return the first answer instead of importing again. Unique per
	// principal; NULL for files uploaded by people.
	{name: "idempotency keys of pushed rows", stmts: []string{
		`ALTER TABLE imports ADD COLUMN idempotency_key TEXT`,
		`CREATE UNIQUE INDEX imports_key ON imports (created_by, idempotency_key)`,
	}},
	// Webhooks (package webhook): subscriptions of other systems' URLs to
	// the change feed, each with its cursor in the feed, and the log of
	// every delivery attempt.
	{name: "webhooks and their deliveries", stmts: []string{
		`CREATE TABLE webhooks (
			id           {{id}},
			url          TEXT NOT NULL,
			kinds        TEXT NOT NULL,
			principal    TEXT NOT NULL,
			secret       TEXT NOT NULL,
			status       TEXT NOT NULL CHECK (status IN ('active', 'paused')),
			cursor       BIGINT NOT NULL,
			failures     INTEGER NOT NULL DEFAULT 0,
			next_attempt BIGINT NOT NULL,
			created_at   BIGINT NOT NULL,
			paused_at    BIGINT NOT NULL DEFAULT 0
		)`,
		`CREATE INDEX webhooks_due ON webhooks (status, next_attempt)`,
		`CREATE TABLE webhook_deliveries (
			id          {{id}},
			webhook_id  BIGINT NOT NULL REFERENCES webhooks (id),
			event_id    BIGINT NOT NULL,
			at          BIGINT NOT NULL,
			status_code INTEGER NOT NULL,
			error       TEXT NOT NULL,
			duration_ms BIGINT NOT NULL
		)`,
		`CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id)`,
	}},
	// The instance's signing keys (package sign) for what it sends to
	// other systems; the newest signs, all are published (GET /api/keys).
	{name: "signing keys", stmts: []string{
		`CREATE TABLE signing_keys (
			kid        TEXT PRIMARY KEY,
			seed       TEXT NOT NULL,
			created_at BIGINT NOT NULL
		)`,
	}},
	// What was issued in a period (the report upward) is found through
	// the postings made in it, then their entries (movements_posting), so
	// that the read costs the period, not the ledger.
	{name: "postings by time", stmts: []string{
		`CREATE INDEX postings_created ON postings (created_at)`,
	}},
	// The warehouse keeper's work (issue 16). A lot's place inside a depot
	// (库区/货位) is a property of its balance there, '' when not given.
	// Stock-takes (盘点) list the lots they count with the book quantity
	// read when each was counted, so movements during the count are
	// accounted for without freezing the depot. Scraps above the policy's
	// threshold wait for a second person (approvals); care schedules and
	// their records (定期检测、保养), rotation plans (轮换) for lots nearing
	// expiry. Quality changes need no table: they are ledger entries
	// (quality_good, quality_pending, quality_damaged) that set lots.quality.
	{name: "warehouse work: locations, stock-takes, approvals, care and rotation", stmts: []string{
		`ALTER TABLE balances ADD COLUMN location TEXT NOT NULL DEFAULT ''`,
		`CREATE TABLE stock_counts (
			id              {{id}},
			depot_id        BIGINT NOT NULL REFERENCES depots (id),
			scope           TEXT NOT NULL,
			status          TEXT NOT NULL CHECK (status IN ('open', 'submitted', 'approved', 'cancelled')),
			recount_pct     DOUBLE PRECISION NOT NULL,
			recount_units   BIGINT NOT NULL,
			note            TEXT NOT NULL DEFAULT '',
			created_by      TEXT NOT NULL,
			created_at      BIGINT NOT NULL,
			decided_by      TEXT NOT NULL DEFAULT '',
			decided_at      BIGINT NOT NULL DEFAULT 0,
			posting_id      BIGINT,
			version         BIGINT NOT NULL DEFAULT 1
		)`,
		`CREATE INDEX stock_counts_depot ON stock_counts (depot_id, id)`,
		`CREATE INDEX stock_counts_status ON stock_counts (status, id)`,
		`CREATE TABLE count_lines (
			count_id    BIGINT NOT NULL REFERENCES stock_counts (id),
			lot_id      BIGINT NOT NULL REFERENCES lots (id),
			item_id     BIGINT NOT NULL REFERENCES items (id),
			location    TEXT NOT NULL DEFAULT '',
			state       TEXT NOT NULL CHECK (state IN ('pending', 'counted', 'recount', 'recounted')),
			book        BIGINT,
			book_seq    BIGINT,
			counted     BIGINT,
			counted_by  TEXT NOT NULL DEFAULT '',
			counted_at  BIGINT NOT NULL DEFAULT 0,
			first_count BIGINT,
			first_book  BIGINT,
			first_by    TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (count_id, lot_id)
		)`,
		`CREATE INDEX count_lines_lot ON count_lines (lot_id, counted_at)`,
		`CREATE TABLE approvals (
			id           {{id}},
			kind         TEXT NOT NULL,
			depot_id     BIGINT NOT NULL REFERENCES depots (id),
			body         TEXT NOT NULL,
			status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
			requested_by TEXT NOT NULL,
			requested_at BIGINT NOT NULL,
			decided_by   TEXT NOT NULL DEFAULT '',
			decided_at   BIGINT NOT NULL DEFAULT 0,
			note         TEXT NOT NULL DEFAULT '',
			posting_id   BIGINT,
			idempotency_key TEXT
		)`,
		`CREATE INDEX approvals_status ON approvals (status, depot_id)`,
		`CREATE UNIQUE INDEX approvals_key ON approvals (requested_by, idempotency_key)`,
		`CREATE TABLE care_schedules (
			id            {{id}},
			code          TEXT NOT NULL UNIQUE,
			kind          TEXT NOT NULL CHECK (kind IN ('inspect', 'maintain')),
			category      TEXT NOT NULL,
			interval_days INTEGER NOT NULL CHECK (interval_days > 0),
			name_zh       TEXT NOT NULL,
			name_en       TEXT NOT NULL DEFAULT '',
			guide         TEXT NOT NULL DEFAULT '',
			created_by    TEXT NOT NULL,
			created_at    BIGINT NOT NULL,
			retired_at    BIGINT NOT NULL DEFAULT 0,
			version       BIGINT NOT NULL DEFAULT 1
		)`,
		`CREATE TABLE care_records (
			id          {{id}},
			schedule_id BIGINT NOT NULL REFERENCES care_schedules (id),
			depot_id    BIGINT NOT NULL REFERENCES depots (id),
			item_id     BIGINT NOT NULL REFERENCES items (id),
			done_on     TEXT NOT NULL,
			done_by     TEXT NOT NULL,
			done_at     BIGINT NOT NULL,
			outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'issues')),
			findings    TEXT NOT NULL DEFAULT '',
			posting_id  BIGINT
		)`,
		`CREATE INDEX care_records_last ON care_records (depot_id, item_id, schedule_id, done_on)`,
		`CREATE TABLE rotations (
			id          {{id}},
			depot_id    BIGINT NOT NULL REFERENCES depots (id),
			lot_id      BIGINT NOT NULL REFERENCES lots (id),
			item_id     BIGINT NOT NULL REFERENCES items (id),
			quantity    BIGINT NOT NULL CHECK (quantity > 0),
			method      TEXT NOT NULL CHECK (method IN ('drill', 'transfer', 'donate', 'sell')),
			to_depot_id BIGINT REFERENCES depots (id),
			recipient   TEXT NOT NULL DEFAULT '',
			due_on      TEXT NOT NULL,
			status      TEXT NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
			note        TEXT NOT NULL DEFAULT '',
			created_by  TEXT NOT NULL,
			created_at  BIGINT NOT NULL,
			done_by     TEXT NOT NULL DEFAULT '',
			done_at     BIGINT NOT NULL DEFAULT 0,
			posting_id  BIGINT
		)`,
		// Photos taken with a posting (a receipt's goods, a scrap's damage),
		// kept with it.
		`CREATE TABLE photos (
			id           {{id}},
			posting_id   BIGINT NOT NULL REFERENCES postings (id),
			content_type TEXT NOT NULL,
			size         BIGINT NOT NULL,
			sha256       TEXT NOT NULL,
			data         {{blob}} NOT NULL,
			created_by   TEXT NOT NULL,
			created_at   BIGINT NOT NULL
		)`,
		`CREATE INDEX photos_posting ON photos (posting_id)`,
		`CREATE INDEX rotations_status ON rotations (status, due_on)`,
		`CREATE INDEX rotations_depot ON rotations (depot_id, id)`,
		// The planned rotations of a lot: what a new plan may still take
		// of it, and whether it is a candidate for rotation still.
		`CREATE INDEX rotations_lot ON rotations (lot_id, status)`,
	}},
	{name: "plan lines and order lines as rows, shipments, incident sites and their use",
		stmts: concat(flowSchema, donationSchema, purchaseSchema, requestSchema, replenishSchema, supplierSchema, requisitionSchema), run: linesToRows},
}

// LatestVersion is the schema version this binary expects.
func LatestVersion() int { return len(migrations) }

// Version returns the schema version of the database (0 when empty).
func (s *Store) Version(ctx context.Context) (int, error) {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("store: schema_migrations: %w", err)
	}
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// Migrate applies the steps the database has not seen yet, each in its own
// transaction together with the bump of the version. It reports each step
// applied through applied (which may be nil).
func (s *Store) Migrate(ctx context.Context, applied func(version int, name string)) error {
	return s.migrateTo(ctx, len(migrations), applied)
}

// migrateTo applies the migrations up to version target.
func (s *Store) migrateTo(ctx context.Context, target int, applied func(version int, name string)) error {
	current, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if current > len(migrations) {
		return fmt.Errorf("store: database schema %d is newer than this program (%d): upgrade stockpile", current, len(migrations))
	}
	for v := current + 1; v <= target; v++ {
		m := migrations[v-1]
		err := s.InTx(ctx, func(tx *Store) error {
			stmts := append([]string{}, m.stmts...)
			if s.dialect.name() == "sqlite" {
				stmts = append(stmts, m.sqliteOnly...)
			} else {
				stmts = append(stmts, m.postgresOnly...)
			}
			for _, st := range stmts {
				if _, err := tx.tx.ExecContext(ctx, s.dialect.ddl(st)); err != nil {
					return fmt.Errorf("%w\n%s", err, st)
				}
			}
			if m.run != nil {
				if err := m.run(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
				v, m.name, s.now().Unix())
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %d (%s): %w", v, m.name, err)
		}
		if applied != nil {
			applied(v, m.name)
		}
	}
	return nil
}

// CheckSchema returns an error unless the database is at LatestVersion; the
// commands other than serve and migrate call it rather than changing the
// schema behind the user's back.
func (s *Store) CheckSchema(ctx context.Context) error {
	v, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if v != len(migrations) {
		return apperr.New(apperr.Conflict, "store.schema_outdated",
			"数据库结构版本为 %d，本程序需要 %d：请先运行 stockpile migrate",
			"database schema is at version %d, this program needs %d: run stockpile migrate first", v, len(migrations))
	}
	return nil
}

// concat joins the statement lists of one step.
func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// flowSchema is step 15's part for plans, orders, shipments and sites.
var flowSchema = []string{
	// A ledger location is a depot (role depot), an incident site's
	// temporary store (现场库, role site) or one shipment on the road
	// (role transit): stock moves between them by ledger entries, so
	// nothing vanishes or doubles between two balances. Only depots are
	// reserves: area totals, readiness, planning and depot lists leave
	// the other roles out.
	`ALTER TABLE depots ADD COLUMN role TEXT NOT NULL DEFAULT 'depot' CHECK (role IN ('depot', 'site', 'transit'))`,
	`CREATE INDEX depots_role ON depots (role, id)`,
	`CREATE TABLE plan_lines (
		id          {{id}},
		plan_id     BIGINT NOT NULL REFERENCES plans (id),
		n           INTEGER NOT NULL,
		incident    TEXT NOT NULL,
		site        TEXT NOT NULL,
		item        TEXT NOT NULL,
		source_kind TEXT NOT NULL,
		source_code TEXT NOT NULL,
		quantity    BIGINT NOT NULL CHECK (quantity > 0),
		eta         BIGINT NOT NULL,
		deadline    BIGINT NOT NULL,
		body        TEXT NOT NULL,
		UNIQUE (plan_id, n)
	)`,
	`ALTER TABLE plans ADD COLUMN body_version INTEGER NOT NULL DEFAULT 1`,
	`ALTER TABLE transfer_orders ADD COLUMN kind TEXT NOT NULL DEFAULT 'transfer' CHECK (kind IN ('transfer', 'dispatch'))`,
	`ALTER TABLE transfer_orders ADD COLUMN plan_id BIGINT REFERENCES plans (id)`,
	`ALTER TABLE transfer_orders ADD COLUMN body_version INTEGER NOT NULL DEFAULT 1`,
	`CREATE INDEX transfer_orders_plan ON transfer_orders (plan_id)`,
	// An order's lines, one per lot; shipped counts what left on
	// shipments or on execution, so the rest stays reserved.
	`CREATE TABLE order_lines (
		id           {{id}},
		order_id     BIGINT NOT NULL REFERENCES transfer_orders (id),
		n            INTEGER NOT NULL,
		from_id      BIGINT NOT NULL REFERENCES depots (id),
		to_id        BIGINT NOT NULL REFERENCES depots (id),
		item_id      BIGINT NOT NULL REFERENCES items (id),
		lot_id       BIGINT NOT NULL REFERENCES lots (id),
		quantity     BIGINT NOT NULL CHECK (quantity > 0),
		shipped      BIGINT NOT NULL DEFAULT 0 CHECK (shipped >= 0 AND shipped <= quantity),
		plan_line_id BIGINT REFERENCES plan_lines (id)
	)`,
	`CREATE INDEX order_lines_order ON order_lines (order_id, n, id)`,
	`CREATE INDEX order_lines_plan_line ON order_lines (plan_line_id)`,
	`CREATE TABLE shipments (
		id           {{id}},
		order_id     BIGINT NOT NULL REFERENCES transfer_orders (id),
		from_id      BIGINT NOT NULL REFERENCES depots (id),
		to_id        BIGINT NOT NULL REFERENCES depots (id),
		location_id  BIGINT NOT NULL UNIQUE REFERENCES depots (id),
		status       TEXT NOT NULL CHECK (status IN ('planned', 'loading', 'in_transit', 'delivered', 'received', 'cancelled')),
		vehicle      TEXT NOT NULL DEFAULT '',
		driver       TEXT NOT NULL DEFAULT '',
		phone        TEXT NOT NULL DEFAULT '',
		note         TEXT NOT NULL DEFAULT '',
		created_by   TEXT NOT NULL,
		created_at   BIGINT NOT NULL,
		updated_at   BIGINT NOT NULL,
		departed_at  BIGINT NOT NULL DEFAULT 0,
		delivered_at BIGINT NOT NULL DEFAULT 0,
		received_at  BIGINT NOT NULL DEFAULT 0,
		posting_id   BIGINT,
		version      BIGINT NOT NULL DEFAULT 1,
		idempotency_key TEXT
	)`,
	// A retried request to arrange a shipment is stored once.
	`CREATE UNIQUE INDEX shipments_key ON shipments (created_by, idempotency_key)`,
	`CREATE INDEX shipments_order ON shipments (order_id, id)`,
	`CREATE INDEX shipments_status ON shipments (status, id)`,
	`CREATE INDEX shipments_to ON shipments (to_id, id)`,
	`CREATE TABLE shipment_lines (
		shipment_id   BIGINT NOT NULL REFERENCES shipments (id),
		n             INTEGER NOT NULL,
		order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
		item_id       BIGINT NOT NULL REFERENCES items (id),
		lot_id        BIGINT NOT NULL REFERENCES lots (id),
		quantity      BIGINT NOT NULL CHECK (quantity > 0),
		received      BIGINT NOT NULL DEFAULT 0 CHECK (received >= 0),
		damaged       BIGINT NOT NULL DEFAULT 0 CHECK (damaged >= 0),
		missing       BIGINT NOT NULL DEFAULT 0 CHECK (missing >= 0),
		CHECK (received + damaged + missing <= quantity),
		PRIMARY KEY (shipment_id, n)
	)`,
	`CREATE INDEX shipment_lines_order_line ON shipment_lines (order_line_id)`,
	// A receipt (签收) of some or all of a shipment, stored once under
	// its idempotency key; body holds its lines and discrepancies.
	`CREATE TABLE receipts (
		id              {{id}},
		shipment_id     BIGINT NOT NULL REFERENCES shipments (id),
		idempotency_key TEXT NOT NULL,
		request_hash    TEXT NOT NULL,
		posting_id      BIGINT NOT NULL REFERENCES postings (id),
		signer          TEXT NOT NULL DEFAULT '',
		note            TEXT NOT NULL DEFAULT '',
		body            TEXT NOT NULL,
		created_by      TEXT NOT NULL,
		created_at      BIGINT NOT NULL,
		UNIQUE (shipment_id, idempotency_key)
	)`,
	`CREATE TABLE incident_sites (
		location_id BIGINT PRIMARY KEY REFERENCES depots (id),
		incident    TEXT NOT NULL,
		site        TEXT NOT NULL,
		UNIQUE (incident, site)
	)`,
	// What was done with stock at a site: distributed to people or
	// units (发放), written off as consumed (消耗核销) or returned to a
	// depot (回收).
	`CREATE TABLE site_uses (
		id          {{id}},
		location_id BIGINT NOT NULL REFERENCES depots (id),
		kind        TEXT NOT NULL CHECK (kind IN ('distribute', 'consume', 'return')),
		recipient   TEXT NOT NULL DEFAULT '',
		to_id       BIGINT REFERENCES depots (id),
		note        TEXT NOT NULL DEFAULT '',
		posting_id  BIGINT NOT NULL REFERENCES postings (id),
		created_by  TEXT NOT NULL,
		created_at  BIGINT NOT NULL
	)`,
	`CREATE INDEX site_uses_location ON site_uses (location_id, id)`,
}
