package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// The states of an import (导入): checked and previewed, then committed
// whole or discarded. (The schema also admits "failed", which no use case
// sets: a refused commit leaves the import previewed.)
const (
	ImportPreviewed = "previewed"
	ImportCommitted = "committed"
	ImportDiscarded = "discarded"
)

// Import is a file uploaded for import, without its bytes. Summary is
// the use case's JSON account of what the file holds and what happened.
type Import struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Filename   string          `json:"filename"`
	SHA256     string          `json:"sha256"`
	Size       int64           `json:"size"`
	Status     string          `json:"status"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  int64           `json:"created_at"`  // unix seconds
	FinishedAt int64           `json:"finished_at"` // unix seconds; 0 while previewed
	Summary    json.RawMessage `json:"summary"`
	// IdempotencyKey is the key of the request that pushed the rows
	// (POST /api/upserts/{kind}); "" for an uploaded file.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

const importColumns = `id, kind, filename, sha256, size, status, created_by, created_at, finished_at, summary,
	COALESCE(idempotency_key, '')`

func scanImport(r interface{ Scan(...any) error }) (im Import, err error) {
	var summary string
	err = r.Scan(&im.ID, &im.Kind, &im.Filename, &im.SHA256, &im.Size, &im.Status, &im.CreatedBy, &im.CreatedAt,
		&im.FinishedAt, &summary, &im.IdempotencyKey)
	im.Summary = json.RawMessage(summary)
	return im, err
}

// CreateImport stores a previewed import and its file; it returns it with
// its id and creation time. A second import of one principal under the
// same idempotency key is a conflict (idempotency.in_progress): the first
// is still being imported, or ImportByKey would have found it.
func (s *Store) CreateImport(ctx context.Context, im Import, data []byte) (Import, error) {
	im.Status, im.CreatedAt, im.Size = ImportPreviewed, s.now().Unix(), int64(len(data))
	key := sql.NullString{String: im.IdempotencyKey, Valid: im.IdempotencyKey != ""}
	err := s.queryRow(ctx, `INSERT INTO imports (kind, filename, sha256, size, status, created_by, created_at, summary, data,
		idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, im.Kind, im.Filename, im.SHA256, im.Size,
		im.Status, im.CreatedBy, im.CreatedAt, string(im.Summary), data, key).Scan(&im.ID)
	if err != nil && s.dialect.isUniqueViolation(err) {
		return im, ErrImportKeyBusy()
	}
	if err != nil {
		return im, fmt.Errorf("store: create import: %w", err)
	}
	return im, nil
}

// ErrImportKeyBusy is the refusal of a push under an idempotency key
// whose first request is still being imported.
func ErrImportKeyBusy() error {
	return apperr.New(apperr.Conflict, "idempotency.in_progress", "使用该幂等键的请求仍在处理中，请稍后重试",
		"a request with this idempotency key is still being processed; retry later").WithField("Idempotency-Key")
}

// ForgetImportKey frees the idempotency key of an import that wrote
// nothing (its commit failed), so that the same rows may be pushed again
// under it.
func (s *Store) ForgetImportKey(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `UPDATE imports SET idempotency_key = NULL WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: import key: %w", err)
	}
	return nil
}

// ImportByKey returns the import principal pushed under an idempotency
// key, and false when there is none.
func (s *Store) ImportByKey(ctx context.Context, principal, key string) (Import, bool, error) {
	im, err := scanImport(s.queryRow(ctx, `SELECT `+importColumns+` FROM imports WHERE created_by = ? AND idempotency_key = ?`,
		principal, key))
	if errors.Is(err, sql.ErrNoRows) {
		return im, false, nil
	}
	if err != nil {
		return im, false, fmt.Errorf("store: import by key: %w", err)
	}
	return im, true, nil
}

// Import returns an import by its id, without its file.
func (s *Store) Import(ctx context.Context, id int64) (Import, error) {
	im, err := scanImport(s.queryRow(ctx, `SELECT `+importColumns+` FROM imports WHERE id = ?`, id))
	if err != nil {
		return im, notFound(err, "import", "导入", strconv.FormatInt(id, 10))
	}
	return im, nil
}

// ImportData returns the file of an import; an import no longer
// previewed has none (import.finished).
func (s *Store) ImportData(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.queryRow(ctx, `SELECT data FROM imports WHERE id = ?`, id).Scan(&data)
	if err != nil {
		return nil, notFound(err, "import", "导入", strconv.FormatInt(id, 10))
	}
	if data == nil {
		return nil, importFinished(id)
	}
	return data, nil
}

// ClaimImport takes a previewed import for commit or discard, in the
// transaction of s: its row stays locked until the transaction ends, so
// that two commits cannot both proceed. An import no longer previewed is
// a conflict (import.finished).
func (s *Store) ClaimImport(ctx context.Context, id int64) (Import, error) {
	res, err := s.exec(ctx, `UPDATE imports SET status = status WHERE id = ? AND status = ?`, id, ImportPreviewed)
	if err != nil {
		return Import{}, fmt.Errorf("store: claim import %d: %w", id, err)
	}
	im, err := s.Import(ctx, id)
	if err != nil {
		return im, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return im, importFinished(id)
	}
	return im, nil
}

// FinishImport ends a previewed import with status and its final summary,
// and drops its file.
func (s *Store) FinishImport(ctx context.Context, id int64, status string, summary json.RawMessage) error {
	res, err := s.exec(ctx, `UPDATE imports SET status = ?, summary = ?, finished_at = ?, data = NULL
		WHERE id = ? AND status = ?`, status, string(summary), s.now().Unix(), id, ImportPreviewed)
	if err != nil {
		return fmt.Errorf("store: finish import %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return importFinished(id)
	}
	return nil
}

// StaleImportAge is how long a previewed import keeps its file: a preview
// older is discarded (DiscardStaleImports) when a new one is stored.
const StaleImportAge = 7 * 24 * time.Hour

// DiscardStaleImports discards the previews created before cutoff (unix
// seconds): status discarded, file dropped, summary kept. It returns them
// as they now are, for the audit trail.
func (s *Store) DiscardStaleImports(ctx context.Context, cutoff int64) ([]Import, error) {
	rows, err := s.query(ctx, `UPDATE imports SET status = ?, finished_at = ?, data = NULL
		WHERE status = ? AND created_at < ? RETURNING `+importColumns, ImportDiscarded, s.now().Unix(), ImportPreviewed, cutoff)
	if err != nil {
		return nil, fmt.Errorf("store: discard stale imports: %w", err)
	}
	defer rows.Close()
	var out []Import
	for rows.Next() {
		im, err := scanImport(rows)
		if err != nil {
			return nil, fmt.Errorf("store: discard stale imports: %w", err)
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// ImportBasis is where the ledger and the audit trail stood when an
// import's file was checked: the last entry of each. Every posting
// advances the ledger's, and every change of master data, users and
// settings the audit trail's.
type ImportBasis struct {
	LedgerSeq int64 `json:"ledger_seq"`
	AuditSeq  int64 `json:"audit_seq"`
}

// ImportBasis returns where the ledger and the audit trail stand now.
func (s *Store) ImportBasis(ctx context.Context) (ImportBasis, error) {
	var b ImportBasis
	if err := s.queryRow(ctx, `SELECT (SELECT seq FROM ledger_head WHERE id = 1), (SELECT seq FROM audit_head WHERE id = 1)`).
		Scan(&b.LedgerSeq, &b.AuditSeq); err != nil {
		return b, fmt.Errorf("store: import basis: %w", err)
	}
	return b, nil
}

// importOnlyActions are the audit actions that change nothing an import's
// check reads: other imports previewed or discarded.
var importOnlyActions = []any{"import.preview", "import.discard"}

// SameAsImportBasis reports whether nothing an import's check reads has
// changed since b: the ledger has no entry after it, and the audit trail
// no record but imports previewed and discarded. It takes the ledger's
// head (as a posting does, ledger.busy when another long posting holds
// it), so that, called in a commit's transaction, the ledger stays as it
// found it until the transaction ends.
func (s *Store) SameAsImportBasis(ctx context.Context, b ImportBasis) (bool, error) {
	head, err := s.takeHead(ctx, true)
	if err != nil || head.seq != b.LedgerSeq {
		return false, err
	}
	now, err := s.ImportBasis(ctx)
	if err != nil || now.LedgerSeq != b.LedgerSeq || now.AuditSeq < b.AuditSeq {
		return false, err
	}
	if now.AuditSeq == b.AuditSeq {
		return true, nil
	}
	var n int64
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE seq > ? AND action NOT IN (?, ?)`,
		append([]any{b.AuditSeq}, importOnlyActions...)...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: import basis: %w", err)
	}
	return n == 0, nil
}

// ImportDepotPlaces returns where every depot lies, by code, as
// Places("depot", code) finds each: one query for the scope checks of a
// whole opening-stock file rather than one per depot.
func (s *Store) ImportDepotPlaces(ctx context.Context) (map[string]access.Place, error) {
	rows, err := s.query(ctx, `SELECT d.code, a.path, o.code, d.tier FROM depots d JOIN areas a ON a.id = d.area_id
		JOIN orgs o ON o.id = d.org_id`)
	if err != nil {
		return nil, fmt.Errorf("store: depot places: %w", err)
	}
	defer rows.Close()
	out := map[string]access.Place{}
	for rows.Next() {
		var p access.Place
		var tier string
		if err := rows.Scan(&p.Depot, &p.AreaPath, &p.Org, &tier); err != nil {
			return nil, fmt.Errorf("store: depot places: %w", err)
		}
		p.AreaPath = tierPath(p.AreaPath, tier)
		out[p.Depot] = p
	}
	return out, rows.Err()
}

func importFinished(id int64) error {
	return apperr.New(apperr.Conflict, "import.finished", "导入 #%d 已提交或已放弃，不能再次操作",
		"import #%d was already committed or discarded", id)
}

// ImportLots finds the stored lots of opening-stock keys: for each key,
// the lot of that item, batch and owner that has a balance at the key's
// depot or was first received there, with its balance there. Keys that
// name an unknown depot, item or owner, or no lot, are absent. It makes a
// query per 256 keys, each an index search per key.
func (s *Store) ImportLots(ctx context.Context, keys []importer.LotKey) (map[importer.LotKey]importer.LotState, error) {
	out := map[importer.LotKey]importer.LotState{}
	if len(keys) == 0 {
		return out, nil
	}
	ids, err := s.codeIDs(ctx, keys)
	if err != nil {
		return nil, err
	}
	// want finds the keys of a lot by its item, batch and owner, then by
	// depot: a lot row concerns only the keys of the depots it is at or
	// came from, however many depots ask for the same item, batch and
	// owner.
	want := map[lotKey]map[int64][]importer.LotKey{}
	var args []any
	depots, items, orgs := ids["depots"], ids["items"], ids["orgs"]
	for _, k := range keys {
		item, owner, depot := items[k.Item], orgs[k.Owner], depots[k.Depot]
		if item == 0 || owner == 0 || depot == 0 {
			continue
		}
		lk := lotKey{item, k.Batch, owner}
		byDepot, ok := want[lk]
		if !ok {
			args = append(args, item, k.Batch, owner)
			byDepot = map[int64][]importer.LotKey{}
			want[lk] = byDepot
		}
		byDepot[depot] = append(byDepot[depot], k)
	}
	// A query per lotKeysPerSelect keys: given thousands of keys at once,
	// PostgreSQL planned a scan of every lot (225 ms a query over a million
	// lots) rather than an index search per key (3.5 ms for 256).
	for len(args) > 0 {
		n := min(len(args)/3, lotKeysPerSelect)
		err := s.importLotsSome(ctx, args[:3*n], func(code string, lk lotKey, origin, at int64, onHand, reserved stock.Quantity) {
			byDepot := want[lk]
			for _, k := range byDepot[at] {
				out[k] = mergeLot(out[k], code, true, onHand, reserved)
			}
			if origin != at {
				for _, k := range byDepot[origin] {
					out[k] = mergeLot(out[k], code, false, onHand, reserved)
				}
			}
		})
		if err != nil {
			return nil, err
		}
		args = args[3*n:]
	}
	return out, nil
}

// lotKeysPerSelect bounds the lot keys one ImportLots query looks up.
const lotKeysPerSelect = 256

// importLotsSome looks the lots of some keys (item, batch, owner triples
// in args) up, with their balances, calling found with each row.
func (s *Store) importLotsSome(ctx context.Context, args []any, found func(code string, lk lotKey, origin, at int64,
	onHand, reserved stock.Quantity)) error {
	rows, err := s.query(ctx, `SELECT l.code, l.item_id, l.batch, l.owner_id, COALESCE(l.depot_id, 0),
		COALESCE(b.depot_id, 0), COALESCE(b.quantity, 0), COALESCE(b.reserved, 0)
		FROM `+valuesOf("(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT))", len(args)/3)+`
		CROSS JOIN lots l LEFT JOIN balances b ON b.lot_id = l.id
		WHERE l.item_id = v.column1 AND l.batch = v.column2 AND l.owner_id = v.column3`, args...)
	if err != nil {
		return fmt.Errorf("store: import lots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var lk lotKey
		var origin, at int64
		var onHand, reserved stock.Quantity
		if err := rows.Scan(&code, &lk.item, &lk.batch, &lk.owner, &origin, &at, &onHand, &reserved); err != nil {
			return fmt.Errorf("store: import lots: %w", err)
		}
		found(code, lk, origin, at, onHand, reserved)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: import lots: %w", err)
	}
	return nil
}

// lotKey is a lot's natural key by ids: item, batch, owner.
type lotKey struct {
	item  int64
	batch string
	owner int64
}

// mergeLot adds one row of a lot's balances to what is known of a key: a
// second lot under the same key makes it ambiguous.
func mergeLot(st importer.LotState, code string, here bool, onHand, reserved stock.Quantity) importer.LotState {
	if st.Lot != "" && st.Lot != code {
		st.Ambiguous = true
		return st
	}
	st.Lot = code
	if here {
		st.OnHand, st.Reserved = onHand, reserved
	}
	return st
}

// codeIDs maps the depot, item and owner codes of keys to their ids,
// by table.
func (s *Store) codeIDs(ctx context.Context, keys []importer.LotKey) (map[string]map[string]int64, error) {
	codes := map[string]map[string]bool{"depots": {}, "items": {}, "orgs": {}}
	for _, k := range keys {
		codes["depots"][k.Depot], codes["items"][k.Item], codes["orgs"][k.Owner] = true, true, true
	}
	out := map[string]map[string]int64{}
	for table, set := range codes {
		out[table] = map[string]int64{}
		var marks []string
		var args []any
		for c := range set {
			marks, args = append(marks, "?"), append(args, c)
		}
		rows, err := s.query(ctx, `SELECT id, code FROM `+table+` WHERE code IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: %s by code: %w", table, err)
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return nil, err
			}
			out[table][code] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
