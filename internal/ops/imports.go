package ops

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/depot"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// Import is an import (导入) as the surfaces show it: the file, what its
// check found, and, once committed, what was written. Passwords, the
// one-time passwords of the users an import of users created, are in the
// result of CommitImport only: they are never stored.
type Import struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Filename   string `json:"filename"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	Status     string `json:"status"`
	CreatedBy  string `json:"created_by"`
	CreatedAt  int64  `json:"created_at"`
	FinishedAt int64  `json:"finished_at"`
	// IdempotencyKey is the key rows were pushed under (PushRows).
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	importSummary
	Passwords []OneTimePassword `json:"one_time_passwords,omitempty"`
}

// importSummary is what the imports table keeps of an import beside its
// file: how the file was read, what the check found, and what the commit
// wrote.
type importSummary struct {
	Format   string `json:"format"`
	Encoding string `json:"encoding,omitempty"`
	importer.Summary
	Postings    []int64 `json:"postings,omitempty"`     // the ledger posting of an opening-stock import
	LedgerLines int64   `json:"ledger_lines,omitempty"` // lines posted
	// Basis is where the ledger and the audit trail stood when the preview
	// began its check: a commit finding them there still applies the
	// preview's verdict without checking the file twice (commitStock).
	// Stored only, never shown.
	Basis *store.ImportBasis `json:"basis,omitempty"`
}

// OneTimePassword is the password a user created by an import must change
// at the first sign-in, shown once.
type OneTimePassword struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// ImportProgress reports how many of an import's rows a commit has
// applied; total is the rows the preview found.
type ImportProgress func(done, total int64)

// PreviewImport reads a file of kind as who: every row is parsed, checked
// against the stored data and who's scope, and classified new, changed or
// unchanged. The file and what was found are stored as a previewed import,
// whose id CommitImport takes; a file with problems is stored too, so that
// its problems can be marked in it (ImportProblems), but never commits.
// Nothing else changes. A file that cannot be read at all (no header, a
// required column missing, too large) is refused and not stored.
func (s *Service) PreviewImport(ctx context.Context, who access.Actor, kind, filename string, data []byte) (Import, error) {
	spec, err := importer.SpecOf(kind)
	if err != nil {
		return Import{}, err
	}
	sum, err := s.checkNew(ctx, who, spec, filename, data)
	if err != nil {
		return Import{}, err
	}
	return s.storePreview(ctx, who, spec, filename, data, "", sum)
}

// checkNew checks a file of spec's kind that who wants to import, noting
// where the ledger and the audit trail stood before the check read
// anything (the basis on which a commit may skip checking it again).
func (s *Service) checkNew(ctx context.Context, who access.Actor, spec importer.Spec, filename string, data []byte) (importSummary, error) {
	if err := who.Allow(spec.Action); err != nil {
		return importSummary{}, err
	}
	basis, err := s.store.ImportBasis(ctx) // before the check reads anything
	if err != nil {
		return importSummary{}, err
	}
	sum, err := s.checkImport(ctx, s.store, who, spec, filename, data, nil)
	if err != nil {
		return importSummary{}, err
	}
	sum.Basis = &basis
	return sum, nil
}

// storePreview stores a checked file as a previewed import, under an
// idempotency key when rows were pushed ("" for a file a person uploads).
func (s *Service) storePreview(ctx context.Context, who access.Actor, spec importer.Spec, filename string, data []byte,
	key string, sum importSummary) (Import, error) {
	text, err := json.Marshal(sum)
	if err != nil {
		return Import{}, err
	}
	digest := sha256.Sum256(data)
	im := store.Import{Kind: string(spec.Kind), Filename: filename, SHA256: hex.EncodeToString(digest[:]), CreatedBy: who.ID,
		Summary: text, IdempotencyKey: key}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := discardStaleImports(ctx, tx, who); err != nil {
			return err
		}
		if im, err = tx.CreateImport(ctx, im, data); err != nil {
			return err
		}
		return record(ctx, tx, who, "import.preview", importObject(im.ID), nil, importAudit(im, sum))
	})
	if err != nil {
		return Import{}, err
	}
	return importView(im, sum), nil
}

// discardStaleImports discards the previews older than
// store.StaleImportAge, dropping their files, each with its audit record
// (import.discard, by who, whose preview found them).
func discardStaleImports(ctx context.Context, tx *store.Store, who access.Actor) error {
	stale, err := tx.DiscardStaleImports(ctx, tx.Now().Add(-store.StaleImportAge).Unix())
	if err != nil {
		return err
	}
	for _, im := range stale {
		var sum importSummary
		if err := json.Unmarshal(im.Summary, &sum); err != nil {
			return fmt.Errorf("ops: import %d summary: %w", im.ID, err)
		}
		a := importAudit(im, sum).(map[string]any)
		a["stale"] = true
		if err := record(ctx, tx, who, "import.discard", importObject(im.ID), nil, a); err != nil {
			return err
		}
	}
	return nil
}

// checkImport reads data as a file of spec and checks every row over the
// store st (a transaction when committing), as who; emit gets each good
// row, as Check says.
func (s *Service) checkImport(ctx context.Context, st *store.Store, who access.Actor, spec importer.Spec,
	filename string, data []byte, emit func(importer.Record) error) (importSummary, error) {
	r, h, err := importer.Open(spec, filename, data)
	if err != nil {
		return importSummary{}, err
	}
	defer r.Close()
	env, err := s.importEnv(ctx, st, who, spec.Kind)
	if err != nil {
		return importSummary{}, err
	}
	sum, err := importer.Check(ctx, spec, r, h, env, emit)
	return importSummary{Format: string(r.Format()), Encoding: r.Encoding(), Summary: sum}, err
}

// GetImport returns an import who may see: one of a kind who may import.
func (s *Service) GetImport(ctx context.Context, who access.Actor, id int64) (Import, error) {
	im, _, sum, err := s.importFor(ctx, s.store, who, id)
	if err != nil {
		return Import{}, err
	}
	return importView(im, sum), nil
}

// importFor reads import id over st and checks that who may import its
// kind.
func (s *Service) importFor(ctx context.Context, st *store.Store, who access.Actor, id int64) (store.Import, importer.Spec, importSummary, error) {
	var sum importSummary
	im, err := st.Import(ctx, id)
	if err != nil {
		return im, importer.Spec{}, sum, err
	}
	spec, err := importer.SpecOf(im.Kind)
	if err != nil {
		return im, spec, sum, err
	}
	if err := who.Allow(spec.Action); err != nil {
		return im, spec, sum, err
	}
	if err := json.Unmarshal(im.Summary, &sum); err != nil {
		return im, spec, sum, fmt.Errorf("ops: import %d summary: %w", id, err)
	}
	return im, spec, sum, nil
}

// DiscardImport drops a previewed import and its file, as who.
func (s *Service) DiscardImport(ctx context.Context, who access.Actor, id int64) (Import, error) {
	var out Import
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		im, _, sum, err := s.importFor(ctx, tx, who, id)
		if err != nil {
			return err
		}
		if _, err := tx.ClaimImport(ctx, id); err != nil {
			return err
		}
		if err := tx.FinishImport(ctx, id, store.ImportDiscarded, im.Summary); err != nil {
			return err
		}
		im.Status = store.ImportDiscarded
		out = importView(im, sum)
		return record(ctx, tx, who, "import.discard", importObject(id), nil, importAudit(im, sum))
	})
	return out, err
}

// CommitImport applies a previewed import, as who, in one transaction:
// the stored file is read again and every row checked again against the
// data as it is now (it may have changed since the preview) and who's
// scope. New master data is created and changed master data updated,
// each with its audit record; opening stock is posted to the ledger
// (commitStock, which reads the file once when nothing has changed since
// the preview, twice otherwise); new users get one-time passwords, returned
// here once. A row with a problem now commits nothing (import.changed,
// listing the problems found now); the import stays previewed. An import with
// problems at its preview is refused (import.has_problems) and stays as
// it is; one already committed or discarded is a conflict
// (import.finished). progress, which may be nil, follows the rows.
func (s *Service) CommitImport(ctx context.Context, who access.Actor, id int64, progress ImportProgress) (Import, error) {
	im, _, sum, err := s.importFor(ctx, s.store, who, id)
	if err != nil {
		return Import{}, err
	}
	if im.Status == store.ImportPreviewed && sum.ProblemCount > 0 {
		return importView(im, sum), problemsError(apperr.Invalid, "import.has_problems", sum.Summary,
			"文件有 %d 处问题，未导入任何数据：请改正后重新上传", "the file has %d problems; nothing was imported: correct them and upload it again")
	}
	data, err := s.store.ImportData(ctx, id)
	if err != nil {
		return Import{}, err
	}
	var out Import
	var after importSummary
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		_, spec, sum, err := s.importFor(ctx, tx, who, id)
		if err != nil {
			return err
		}
		im, err := tx.ClaimImport(ctx, id)
		if err != nil {
			return err
		}
		ap := s.newApplier(ctx, tx, who, spec, id, sum.Rows, progress)
		if spec.Kind == importer.Stock {
			after, err = s.commitStock(ctx, tx, who, im, sum, data, ap)
		} else {
			after, err = s.checkImport(ctx, tx, who, spec, im.Filename, data, ap.apply)
		}
		if err != nil {
			return err
		}
		if after.ProblemCount > 0 {
			return errImportChanged
		}
		if err := ap.finish(); err != nil {
			return err
		}
		after.Basis = nil
		text, err := json.Marshal(after)
		if err != nil {
			return err
		}
		if err := tx.FinishImport(ctx, id, store.ImportCommitted, text); err != nil {
			return err
		}
		im.Status = store.ImportCommitted
		out = importView(im, after)
		out.Passwords = ap.passwords
		return record(ctx, tx, who, "import.commit", importObject(id), nil, importAudit(im, after))
	})
	if errors.Is(err, errImportChanged) {
		// Refused requests leave the database as it was: the import stays
		// previewed, to be committed once the data allows or discarded.
		return importView(im, after), problemsError(apperr.Conflict, "import.changed", after.Summary,
			"数据在预览后已变化，文件现有 %d 处问题，未导入任何数据", "the data changed since the preview: the file now has %d problems; nothing was imported")
	}
	return out, err
}

// errImportChanged ends a commit's transaction when a row has a problem
// now; CommitImport refuses it as import.changed.
var errImportChanged = errors.New("ops: the import has problems now")

// problemsError is the refusal of a file with problems, listing them.
func problemsError(kind apperr.Kind, code string, sum importer.Summary, zh, en string) error {
	e := apperr.New(kind, code, zh, en, sum.ProblemCount)
	for _, p := range sum.Problems {
		e.Rows = append(e.Rows, apperr.Row{Line: p.Line, Code: p.Code, Field: p.Column, ZH: p.ZH, EN: p.EN})
	}
	return e
}

// importView is an import as the surfaces show it.
func importView(im store.Import, sum importSummary) Import {
	sum.Basis = nil
	if sum.Problems == nil {
		sum.Problems = []tabular.Problem{}
	}
	return Import{ID: im.ID, Kind: im.Kind, Filename: im.Filename, SHA256: im.SHA256, Size: im.Size, Status: im.Status,
		CreatedBy: im.CreatedBy, CreatedAt: im.CreatedAt, FinishedAt: im.FinishedAt, IdempotencyKey: im.IdempotencyKey,
		importSummary: sum}
}

// importObject names an import in the audit trail.
func importObject(id int64) audit.Object {
	return audit.Object{Kind: "import", ID: strconv.FormatInt(id, 10)}
}

// importAudit is what the audit trail keeps of an import: the file and
// the counts, without the problems (the import keeps them).
func importAudit(im store.Import, sum importSummary) any {
	return map[string]any{"kind": im.Kind, "filename": im.Filename, "sha256": im.SHA256, "status": im.Status,
		"rows": sum.Rows, "new": sum.New, "changed": sum.Changed, "unchanged": sum.Unchanged,
		"problems": sum.ProblemCount, "postings": sum.Postings, "ledger_lines": sum.LedgerLines}
}

// importEnv is what a check of an import reads over st, as who: the
// stored things by natural key, the lots of opening stock, and who's
// scope per row (each decision remembered for the check).
//
// A check of opening stock, whose rows name the same few thousand depots
// over and over, reads all depots and where they lie at the first it asks
// for, in two queries, rather than two queries per depot.
func (s *Service) importEnv(ctx context.Context, st *store.Store, who access.Actor, kind importer.Kind) (importer.Env, error) {
	var settings map[string]any // the readiness settings, read when prices or norms are first asked for
	decided := map[string]error{}
	var depots map[string]depot.Depot // all depots, for opening stock, once read
	var places *depotPlaces
	if kind == importer.Stock {
		places = &depotPlaces{}
	}
	return importer.Env{
		Current: func(ctx context.Context, kind importer.Kind, key string) (any, bool, error) {
			if kind == importer.Depots && places != nil {
				if depots == nil {
					all, err := st.Depots(ctx, store.DepotFilter{})
					if err != nil {
						return nil, false, err
					}
					depots = make(map[string]depot.Depot, len(all))
					for _, d := range all {
						depots[d.Code] = d.Depot
					}
				}
				d, ok := depots[key]
				if !ok {
					return nil, false, nil
				}
				return d, true, nil
			}
			if kind != importer.Prices && kind != importer.Norms {
				return current(ctx, st, kind, key)
			}
			if settings == nil {
				var err error
				if settings, err = readinessSettings(ctx, st); err != nil {
					return nil, false, err
				}
			}
			v, ok := settings[string(kind)+key]
			return v, ok, nil
		},
		Lots: st.ImportLots,
		Allow: func(ctx context.Context, kind importer.Kind, v, before any) error {
			return s.allowImportRow(ctx, st, who, decided, places, kind, v, before)
		},
	}, nil
}

// depotPlaces are where all depots lie (store.ImportDepotPlaces), read at
// the first scope check of a depot; a nil *depotPlaces reads each depot's
// place when it is checked.
type depotPlaces struct {
	byCode map[string]access.Place
}

// of returns the places of the depots with codes, as store.Places does:
// each once, in order, unknown codes left out.
func (dp *depotPlaces) of(ctx context.Context, st *store.Store, codes []string) ([]access.Place, error) {
	if dp.byCode == nil {
		all, err := st.ImportDepotPlaces(ctx)
		if err != nil {
			return nil, err
		}
		dp.byCode = all
	}
	var out []access.Place
	for i, c := range codes {
		if p, ok := dp.byCode[c]; ok && !slices.Contains(codes[:i], c) {
			out = append(out, p)
		}
	}
	return out, nil
}

// readinessSettings are the home city's unit prices and norms by kind and
// natural key.
func readinessSettings(ctx context.Context, st *store.Store) (map[string]any, error) {
	cfg, err := st.HomeReadinessConfig(ctx)
	if err != nil {
		return nil, err
	}
	settings := map[string]any{}
	for _, p := range cfg.Prices {
		settings[string(importer.Prices)+p.Item] = p
	}
	for _, n := range cfg.Norms {
		settings[string(importer.Norms)+importer.NormKey(n)] = n
	}
	return settings, nil
}

// current returns the stored thing of kind with key, as importer.Env
// says.
func current(ctx context.Context, st *store.Store, kind importer.Kind, key string) (any, bool, error) {
	var v any
	var err error
	switch kind {
	case importer.Categories:
		v, err = st.Category(ctx, key)
	case importer.Items:
		v, err = st.Item(ctx, key)
	case importer.Areas:
		v, err = st.AreaWithBoundary(ctx, key)
	case importer.Orgs:
		v, err = st.Org(ctx, key)
	case importer.Depots:
		var d store.DepotView
		d, err = st.Depot(ctx, key)
		v = d.Depot
	case importer.Agreements:
		v, err = st.Agreement(ctx, key)
	case importer.Capacities:
		v, err = st.Capacity(ctx, key)
	case importer.Users:
		var u account.User
		u, _, err = st.UserCredentials(ctx, key)
		v = u
	default:
		return nil, false, fmt.Errorf("ops: no stored state of import kind %q", kind)
	}
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, false, nil
	}
	return v, err == nil, err
}

// allowImportRow checks that who may write the row's v (before: the
// stored thing, nil when new) where it lies, as the use case that adds or
// changes one such thing checks it, reading over st. Decisions are kept
// in decided for the rest of the check. A place beyond who's scope is
// refused on the column that names it (importer.CellRefusal), with the
// place and the scope by code and name.
func (s *Service) allowImportRow(ctx context.Context, st *store.Store, who access.Actor, decided map[string]error,
	places *depotPlaces, kind importer.Kind, v, before any) error {
	check := func(act access.Action, place string, cells ...placeCell) error {
		codes := make([]string, len(cells))
		for i, c := range cells {
			codes[i] = c.code
		}
		key := string(act) + "\x00" + place + "\x00" + strings.Join(codes, "\x00")
		err, ok := decided[key]
		if !ok {
			if place == "depot" && places != nil {
				err = allowDepots(ctx, st, who, act, places, codes)
			} else {
				err = allowOn(ctx, st, who, act, place, codes...)
			}
			if len(decided) < 100_000 {
				decided[key] = err
			}
		}
		if place == "" || len(cells) == 0 || apperr.CodeOf(err) != "auth.out_of_scope" {
			return err
		}
		return outOfScopeCell(ctx, st, who, kind, act, place, cells)
	}
	switch kind {
	case importer.Categories, importer.Items:
		return check(access.CatalogWrite, "")
	case importer.Prices, importer.Norms:
		return check(access.ReadinessConfigure, "")
	case importer.Areas:
		a := v.(area.Area)
		switch {
		case before != nil:
			return check(access.AreaWrite, "area", cell("code", a.Code))
		case a.ParentCode == "":
			return check(access.AreaWrite, "")
		}
		return check(access.AreaWrite, "area", cell("parent_code", a.ParentCode))
	case importer.Orgs:
		o := v.(org.Org)
		return allowMoved(check, access.OrgWrite, "org", o.Code, before != nil, o.AreaCode)
	case importer.Depots:
		d := v.(depot.Depot)
		return allowMoved(check, access.DepotWrite, "depot", d.Code, before != nil, d.AreaCode)
	case importer.Stock:
		return check(access.StockPost, "depot", cell("depot", v.(importer.Opening).Depot))
	case importer.Agreements:
		a := v.(reserve.Agreement)
		return allowReserveRow(check, "agreement", a.Code, before != nil, a.OrgCode, a.Party)
	case importer.Capacities:
		c := v.(reserve.Capacity)
		return allowReserveRow(check, "capacity", c.Code, before != nil, c.OrgCode, c.Party)
	case importer.Users:
		return s.allowUserRow(ctx, who, check, v.(account.User), before)
	}
	return fmt.Errorf("ops: no scope rule for import kind %q", kind)
}

// placeCell is a cell of an import row that names a place a scope check
// looks at: its column, what it holds, and the code of the place (the
// cell's value, or for a stored thing, the place it lies in now).
type placeCell struct {
	col, value, code string
}

// cell is the place named by the value of column col.
func cell(col, code string) placeCell { return placeCell{col: col, value: code, code: code} }

// outOfScopeCell is the refusal of a row one of whose cells names a place
// beyond who's scope: the first such cell (the first of cells when each
// alone is in scope), with the place by code and name, and who's scope.
func outOfScopeCell(ctx context.Context, st *store.Store, who access.Actor, kind importer.Kind, act access.Action,
	place string, cells []placeCell) error {
	spec, err := importer.SpecOf(string(kind))
	if err != nil {
		return err
	}
	c := cells[0]
	if len(cells) > 1 {
		for _, x := range cells {
			if err := allowOn(ctx, st, who, act, place, x.code); apperr.CodeOf(err) == "auth.out_of_scope" {
				c = x
				break
			}
		}
	}
	labelZH, labelEN := placeLabel(spec, place, c.col)
	nameZH, nameEN, err := placeName(ctx, st, place, c.code)
	if err != nil {
		return err
	}
	scopeZH, scopeEN, err := scopeName(ctx, st, who)
	if err != nil {
		return err
	}
	e := &apperr.Error{Kind: apperr.Forbidden, Code: "auth.out_of_scope", Field: c.col,
		ZH: labelZH + " " + c.code + parens(nameZH, "（", "）") + "不在您的管辖范围（" + scopeZH + "）内",
		EN: labelEN + " " + c.code + parens(nameEN, " (", ")") + " is outside your scope (" + scopeEN + ")"}
	return &importer.CellRefusal{Column: c.col, Value: c.value, Err: e}
}

func parens(s, open, close string) string {
	if s == "" {
		return ""
	}
	return open + s + close
}

// placeLabel names a place of kind in a message: an area by the header of
// its column (所属区域, 上级区域 …), the others by their kind.
func placeLabel(spec importer.Spec, place, col string) (zh, en string) {
	switch place {
	case "area":
		zh = "区域"
		if c, ok := spec.Column(col); ok && strings.Contains(c.ZH, "区域") {
			zh = strings.TrimSuffix(c.ZH, "编码")
		}
		return zh, "area"
	case "org":
		return "单位", "organisation"
	case "depot":
		return "储备库", "depot"
	case "agreement":
		return "协议储备", "agreement reserve"
	case "capacity":
		return "产能储备", "capacity reserve"
	}
	return place, place
}

// placeName is the name of the place of kind with code, "" when it has
// none or is not stored.
func placeName(ctx context.Context, st *store.Store, place, code string) (zh, en string, err error) {
	switch place {
	case "area":
		var a area.Area
		a, err = st.Area(ctx, code)
		zh, en = a.NameZH, a.NameEN
	case "org":
		var o org.Org
		o, err = st.Org(ctx, code)
		zh, en = o.NameZH, o.NameEN
	case "depot":
		var d store.DepotView
		d, err = st.Depot(ctx, code)
		zh, en = d.NameZH, d.NameEN
	}
	if apperr.IsKind(err, apperr.NotFound) {
		return "", "", nil
	}
	if en == "" {
		en = zh
	}
	return zh, en, err
}

// scopeName names who's scope: their area, the depots they keep, or
// their organisation.
func scopeName(ctx context.Context, st *store.Store, who access.Actor) (zh, en string, err error) {
	sc := who.Scope
	switch {
	case sc.AreaPath != "":
		parts := strings.Split(strings.TrimSuffix(sc.AreaPath, "/"), "/")
		code := parts[len(parts)-1]
		zh, en, err = placeName(ctx, st, "area", code)
		if zh == "" {
			zh, en = code, code
		}
		return zh, en, err
	case len(sc.Depots) > 0:
		return "储备库 " + strings.Join(sc.Depots, "、"), "depots " + strings.Join(sc.Depots, ", "), nil
	case sc.Org != "":
		zh, en, err = placeName(ctx, st, "org", sc.Org)
		if zh == "" {
			zh, en = sc.Org, sc.Org
		}
		return zh, en, err
	}
	return "无", "none", nil
}

// allowOn is allow (or allowCity, for place "") over the store st.
func allowOn(ctx context.Context, st *store.Store, who access.Actor, act access.Action, place string, codes ...string) error {
	if !who.Can(act) {
		return who.Allow(act)
	}
	if place == "" {
		root, err := st.RootPlace(ctx)
		if err != nil {
			return err
		}
		return who.Allow(act, root)
	}
	places, err := st.Places(ctx, place, codes...)
	if err != nil {
		return err
	}
	return who.Allow(act, places...)
}

// allowDepots is allowOn for depots whose places are known.
func allowDepots(ctx context.Context, st *store.Store, who access.Actor, act access.Action, places *depotPlaces,
	codes []string) error {
	if !who.Can(act) {
		return who.Allow(act)
	}
	ps, err := places.of(ctx, st, codes)
	if err != nil {
		return err
	}
	return who.Allow(act, ps...)
}

type checkFunc func(act access.Action, place string, cells ...placeCell) error

// allowMoved checks an organisation or depot: the area it is to lie in
// and, when stored, where it lies now.
func allowMoved(check checkFunc, act access.Action, place, code string, stored bool, areaCode string) error {
	if stored {
		if err := check(act, place, cell("code", code)); err != nil {
			return err
		}
	}
	return check(act, "area", cell("area_code", areaCode))
}

// allowReserveRow checks a contract reserve: its enterprise and party
// and, when stored, the reserve as it is.
func allowReserveRow(check checkFunc, place, code string, stored bool, orgCode, party string) error {
	if stored {
		if err := check(access.ReserveWrite, place, cell("code", code)); err != nil {
			return err
		}
	}
	cells := []placeCell{cell("org_code", orgCode)}
	if party != "" {
		cells = append(cells, cell("party", party))
	}
	return check(access.ReserveWrite, "org", cells...)
}

// allowUserRow checks a user: their area as it is to be and, when
// stored, as it is; and that an administrator does not lock themselves
// out, as UpdateUser refuses.
func (s *Service) allowUserRow(ctx context.Context, who access.Actor, check checkFunc, u account.User, before any) error {
	areas := []placeCell{cell("area_code", u.AreaCode)}
	if before != nil {
		b := before.(account.User)
		areas = append(areas, placeCell{col: "username", value: u.Username, code: b.AreaCode})
		if who.User == access.KindUser+":"+strconv.FormatInt(b.ID, 10) && !slices.Contains(u.Roles, access.RoleAdmin) {
			return apperr.New(apperr.Conflict, "user.self_lockout", "不能停用自己或撤销自己的管理员角色",
				"you cannot disable yourself or take away your own administrator role")
		}
	}
	for _, x := range areas {
		var err error
		if x.code == "" {
			err = who.Allow(access.UserManage, account.User{}.Place())
		} else {
			err = check(access.UserManage, "area", x)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// applier writes the good rows of an import as a commit's check hands
// them on, in the commit's transaction.
type applier struct {
	ctx       context.Context
	s         *Service
	tx        *store.Store
	who       access.Actor
	spec      importer.Spec
	id        int64
	total     int64
	done      int64
	progress  ImportProgress
	passwords []OneTimePassword
	cfg       *readiness.Config // the settings prices and norms change, once read
	cfgBefore readiness.Config
}

func (s *Service) newApplier(ctx context.Context, tx *store.Store, who access.Actor, spec importer.Spec, id, total int64,
	progress ImportProgress) *applier {
	if progress == nil {
		progress = func(int64, int64) {}
	}
	return &applier{ctx: ctx, s: s, tx: tx, who: who, spec: spec, id: id, total: total, progress: progress}
}

// progressEvery is how many rows pass between progress reports.
const progressEvery = 1000

// tick counts a row done, reporting progress now and then.
func (a *applier) tick() {
	a.done++
	if a.done%progressEvery == 0 {
		a.progress(a.done, max(a.total, a.done))
	}
}

// apply writes one good row.
func (a *applier) apply(rec importer.Record) error {
	a.tick()
	if rec.Status == importer.Unchanged {
		return nil
	}
	err := a.write(rec)
	if e, ok := apperr.As(err); ok && len(e.Rows) == 0 {
		return rowFailed(rec.Line, e)
	}
	return err
}

// rowFailed is the error of a row the store refused: e, naming the row.
func rowFailed(line int, e *apperr.Error) error {
	c := *e
	c.ZH = "第 " + strconv.Itoa(line) + " 行：" + e.ZH
	c.EN = "row " + strconv.Itoa(line) + ": " + e.EN
	c.Rows = []apperr.Row{{Line: line, Code: e.Code, Field: e.Field, ZH: e.ZH, EN: e.EN}}
	return &c
}

// write writes one new or changed row, with its audit record.
func (a *applier) write(rec importer.Record) error {
	isNew := rec.Status == importer.New
	switch v := rec.Value.(type) {
	case catalog.Category:
		return writeMaster(a, "category", v.Code, v, isNew, (*store.Store).CreateCategory, (*store.Store).UpdateCategory,
			func(c catalog.Category) int64 { return c.Version })
	case catalog.Item:
		return writeMaster(a, "item", v.Code, v, isNew, (*store.Store).CreateItem, (*store.Store).UpdateItem,
			func(c catalog.Item) int64 { return c.Version })
	case area.Area:
		if b, ok := rec.Before.(area.Area); ok && v.Boundary == nil && b.Boundary != nil {
			v.Boundary = json.RawMessage("null") // an empty cell removes the outline
		}
		return writeMaster(a, "area", v.Code, v, isNew, (*store.Store).CreateArea, (*store.Store).UpdateArea,
			func(c area.Area) int64 { return c.Version })
	case org.Org:
		return writeMaster(a, "org", v.Code, v, isNew, (*store.Store).CreateOrg, (*store.Store).UpdateOrg,
			func(c org.Org) int64 { return c.Version })
	case depot.Depot:
		update := func(tx *store.Store, ctx context.Context, d depot.Depot) (depot.Depot, depot.Depot, error) {
			b, after, err := tx.UpdateDepot(ctx, d)
			return b.Depot, after.Depot, err
		}
		return writeMaster(a, "depot", v.Code, v, isNew, (*store.Store).CreateDepot, update,
			func(c depot.Depot) int64 { return c.Version })
	case reserve.Agreement:
		return writeMaster(a, "agreement", v.Code, v, isNew, (*store.Store).CreateAgreement, (*store.Store).UpdateAgreement,
			func(c reserve.Agreement) int64 { return c.Version })
	case reserve.Capacity:
		return writeMaster(a, "capacity", v.Code, v, isNew, (*store.Store).CreateCapacity, (*store.Store).UpdateCapacity,
			func(c reserve.Capacity) int64 { return c.Version })
	case account.User:
		return a.writeUser(v, isNew)
	case readiness.Price, readiness.Norm:
		return a.setting(v)
	}
	return fmt.Errorf("ops: cannot import a %T", rec.Value)
}

// writeMaster creates v (isNew) or updates the stored one, and records the
// change in the audit trail as the use cases that add and edit one do
// (kind.create, kind.update).
func writeMaster[T any](a *applier, kind, code string, v T, isNew bool,
	create func(*store.Store, context.Context, T) (T, error),
	update func(*store.Store, context.Context, T) (T, T, error), version func(T) int64) error {
	if isNew {
		after, err := create(a.tx, a.ctx, v)
		if err != nil {
			return err
		}
		return record(a.ctx, a.tx, a.who, kind+".create", audit.Object{Kind: kind, ID: code, Version: 1}, nil, after)
	}
	before, after, err := update(a.tx, a.ctx, v)
	if err != nil {
		return err
	}
	return record(a.ctx, a.tx, a.who, kind+".update", audit.Object{Kind: kind, ID: code, Version: version(after)}, before, after)
}

// writeUser creates a user with a one-time password, kept to be shown
// once, or updates one (not their password, nor whether they are
// disabled).
func (a *applier) writeUser(u account.User, isNew bool) error {
	if !isNew {
		before, err := a.tx.User(a.ctx, u.ID)
		if err != nil {
			return err
		}
		if u, err = a.tx.UpdateUser(a.ctx, u); err != nil {
			return err
		}
		return record(a.ctx, a.tx, a.who, "user.update", userObject(u), before, u)
	}
	password := account.NewPassword()
	u.MustChangePassword = true
	u, err := a.tx.CreateUser(a.ctx, u, account.Hash(password, a.s.params))
	if err != nil {
		return err
	}
	a.passwords = append(a.passwords, OneTimePassword{Username: u.Username, Password: password})
	return record(a.ctx, a.tx, a.who, "user.create", userObject(u), nil, u)
}

// setting puts a price or a norm into the settings, saved whole by finish.
func (a *applier) setting(v any) error {
	if a.cfg == nil {
		cfg, err := a.tx.HomeReadinessConfig(a.ctx)
		if err != nil {
			return err
		}
		a.cfgBefore = cfg
		cfg.Prices = slices.Clone(cfg.Prices)
		cfg.Norms = slices.Clone(cfg.Norms)
		a.cfg = &cfg
	}
	switch v := v.(type) {
	case readiness.Price:
		i := slices.IndexFunc(a.cfg.Prices, func(p readiness.Price) bool { return p.Item == v.Item })
		if i < 0 {
			a.cfg.Prices = append(a.cfg.Prices, v)
		} else {
			a.cfg.Prices[i] = v
		}
	case readiness.Norm:
		key := importer.NormKey(v)
		i := slices.IndexFunc(a.cfg.Norms, func(n readiness.Norm) bool { return importer.NormKey(n) == key })
		if i < 0 {
			a.cfg.Norms = append(a.cfg.Norms, v)
		} else {
			a.cfg.Norms[i] = v
		}
	}
	return nil
}

// commitStock applies an opening-stock import inside the commit's
// transaction, streaming the ledger line of every row that changes a
// quantity (importer.Opening.Line) into one posting (reason 导入 #id,
// idempotency key import-<id>) through store.PostStream, so that memory
// stays bounded whatever the file's length. The lots are looked up a chunk
// at a time as the preview did; rows have unique keys, so no line depends
// on another.
//
// When the ledger and the audit trail stand where they stood when the
// preview began (store.SameAsImportBasis; the ledger is held from then
// on), nothing the preview read has changed: its verdict (prev) stands,
// and the file is read once, the rows checked again on the way (scope and
// references, as the committer) as their lines are streamed; when every
// row was a new lot, none is looked up. Otherwise the file is read twice:
// first to check every row against the data as it is now, writing
// nothing, then to stream the lines.
func (s *Service) commitStock(ctx context.Context, tx *store.Store, who access.Actor, im store.Import, prev importSummary,
	data []byte, ap *applier) (importSummary, error) {
	same := false
	if prev.Basis != nil {
		var err error
		if same, err = tx.SameAsImportBasis(ctx, *prev.Basis); err != nil {
			return prev, err
		}
	}
	sum := prev
	if !same {
		ap.total *= 2 // two passes
		tick := func(importer.Record) error { ap.tick(); return nil }
		var err error
		sum, err = s.checkImport(ctx, tx, who, ap.spec, im.Filename, data, tick)
		if err != nil || sum.ProblemCount > 0 {
			return sum, err
		}
	}
	if sum.New+sum.Changed == 0 {
		return sum, nil
	}
	r, h, err := importer.Open(ap.spec, im.Filename, data)
	if err != nil {
		return sum, err
	}
	defer r.Close()
	env, err := s.importEnv(ctx, tx, who, ap.spec.Kind)
	if err != nil {
		return sum, err
	}
	if same && prev.Changed == 0 && prev.Unchanged == 0 {
		// Every row was a new lot, and the ledger, where lots come from,
		// has not moved since.
		env.Lots = func(context.Context, []importer.LotKey) (map[importer.LotKey]importer.LotState, error) {
			return nil, nil
		}
	}
	c := importer.NewChecker(ap.spec, r, h, env, true)
	var rows []int32 // the file row of each line posted, to name it in an error
	next := func() (stock.Line, bool, error) {
		for {
			rec, ok, err := c.Next(ctx)
			if err != nil || !ok {
				return stock.Line{}, false, err
			}
			ap.tick()
			if l, ok := rec.Value.(importer.Opening).Line(); ok {
				rows = append(rows, int32(rec.Line))
				return l, true, nil
			}
		}
	}
	res, err := tx.PostStream(ctx, stock.Posting{IdempotencyKey: fmt.Sprintf("import-%d", im.ID), Actor: who.ID,
		Reason: fmt.Sprintf("导入 #%d", im.ID)}, next, nil)
	if _, refused := apperr.As(err); c.Summary().ProblemCount > 0 && (err == nil || refused) {
		// A row has a problem now (the committer's scope, say): the
		// transaction is rolled back.
		sum.Summary = c.Summary()
		return sum, nil
	}
	if err != nil {
		return sum, lineFailed(err, rows)
	}
	sum.Postings, sum.LedgerLines = []int64{res.PostingID}, res.Lines
	return sum, nil
}

// lineFailed names the file row of a posting line the ledger refused
// (field lines[i]…); rows are the file rows of the lines.
func lineFailed(err error, rows []int32) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	var i int
	if _, scanErr := fmt.Sscanf(e.Field, "lines[%d]", &i); scanErr != nil || i < 0 || i >= len(rows) {
		return err
	}
	c := *e
	if j := strings.Index(c.Field, "]."); j >= 0 {
		c.Field = c.Field[j+2:]
	}
	return rowFailed(int(rows[i]), &c)
}

// finish saves changed settings.
func (a *applier) finish() error {
	defer a.progress(a.done, a.done)
	if a.cfg == nil {
		return nil
	}
	saved, err := a.tx.SaveReadinessConfig(a.ctx, *a.cfg, a.who.ID)
	if err != nil {
		return err
	}
	action := "readiness.prices_import"
	if a.spec.Kind == importer.Norms {
		action = "readiness.norms_import"
	}
	return record(a.ctx, a.tx, a.who, action, audit.Object{Kind: "readiness_config", ID: saved.City}, a.cfgBefore, saved)
}

// ImportProblems writes an .xlsx copy of a previewed import's file with
// the problems its check found marked in it (tabular.MarkProblems), for
// the person who sent it to fix.
func (s *Service) ImportProblems(ctx context.Context, who access.Actor, id int64, w io.Writer) error {
	im, spec, sum, err := s.importFor(ctx, s.store, who, id)
	if err != nil {
		return err
	}
	data, err := s.store.ImportData(ctx, id)
	if err != nil {
		return err
	}
	r, h, err := importer.Open(spec, im.Filename, data)
	if err != nil {
		return err
	}
	defer r.Close()
	src, err := tabular.Open(im.Filename, bytes.NewReader(data), int64(len(data)), tabular.DefaultLimits())
	if err != nil {
		return err
	}
	defer src.Close()
	return tabular.MarkProblems(w, src, h, sum.Problems)
}

// ImportTemplate writes the empty file to fill in for kind, in format
// (xlsx or csv) (tabular.Template).
func ImportTemplate(w io.Writer, kind, format string) error {
	spec, err := importer.SpecOf(kind)
	if err != nil {
		return err
	}
	f, err := templateFormat(format)
	if err != nil {
		return err
	}
	return tabular.Template(w, f, spec.ZH, spec.Columns)
}

// templateFormat reads a template's format: xlsx (also the default) or csv.
func templateFormat(format string) (tabular.Format, error) {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "", "xlsx":
		return tabular.XLSX, nil
	case "csv":
		return tabular.CSV, nil
	}
	return "", apperr.New(apperr.Invalid, "import.format_invalid", "模板格式「%s」无效：应为 xlsx 或 csv",
		"template format %q is invalid: want xlsx or csv", format).WithField("format")
}
