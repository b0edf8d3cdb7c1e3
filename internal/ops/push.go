package ops

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// MaxPushRows bounds the rows of one push; a bigger load is a file import.
const MaxPushRows = 10_000

// PushRows imports rows another system pushes (a partner department's,
// another Stockpile's): each row an object of the import kind's column
// keys (importer.SpecOf(kind).Columns), checked, reported row by row and
// written exactly as a file of them would be, previewed and committed in
// one call, whole or not at all. Every row must lie within who's scope for
// its kind's write action: a partner's token upserts its organisation's
// depots, lots and reserves, and no one else's.
//
// Rows with any problem are refused with every problem (row, column,
// reason) and nothing written, not even an import record, so that a
// retry checks them again. A retry of rows that were imported, under the
// same idempotency key, returns the first import, with replayed true; the
// same key with other rows is idempotency.key_reused.
func (s *Service) PushRows(ctx context.Context, who access.Actor, kind, key string, rows []map[string]any) (Import, bool, error) {
	spec, err := importer.SpecOf(kind)
	if err != nil {
		return Import{}, false, err
	}
	if err := who.Allow(spec.Action); err != nil {
		return Import{}, false, err
	}
	data, err := rowsFile(spec, rows)
	if err != nil {
		return Import{}, false, err
	}
	if key != "" {
		if prev, found, err := s.store.ImportByKey(ctx, who.ID, key); found || err != nil {
			if err != nil {
				return Import{}, false, err
			}
			im, err := s.pushedBefore(ctx, who, prev, data)
			return im, true, err
		}
	}
	sum, err := s.checkNew(ctx, who, spec, pushedFile, data)
	if err != nil {
		return Import{}, false, err
	}
	if sum.ProblemCount > 0 { // refused with nothing written: a retry checks the rows again
		return Import{}, false, problemsError(apperr.Invalid, "import.has_problems", sum.Summary,
			"推送的数据有 %d 处问题，未写入任何数据（rows 列出每一处，行号从表头下一行记为第 2 行）",
			"the rows have %d problems; nothing was written (rows lists each; the first row is line 2)")
	}
	pre, err := s.storePreview(ctx, who, spec, pushedFile, data, key, sum)
	if err != nil {
		return pre, false, err
	}
	done, err := s.CommitImport(ctx, who, pre.ID, nil)
	if err != nil {
		// Nothing was written: the rows may go again under the same key.
		if _, derr := s.DiscardImport(ctx, who, pre.ID); derr != nil {
			return done, false, derr
		}
		if ferr := s.store.ForgetImportKey(ctx, pre.ID); ferr != nil {
			return done, false, ferr
		}
	}
	return done, false, err
}

// pushedBefore answers a retry of the push that made prev: the same rows
// get the first answer; other rows are a conflict.
func (s *Service) pushedBefore(ctx context.Context, who access.Actor, prev store.Import, data []byte) (Import, error) {
	digest := sha256.Sum256(data)
	if prev.SHA256 != hex.EncodeToString(digest[:]) {
		return Import{}, apperr.New(apperr.Conflict, "idempotency.key_reused",
			"幂等键「%s」已用于另一批数据", "idempotency key %q was already used for other rows", prev.IdempotencyKey).
			WithField("Idempotency-Key")
	}
	im, _, sum, err := s.importFor(ctx, s.store, who, prev.ID)
	if err != nil {
		return Import{}, err
	}
	if im.Status != store.ImportCommitted {
		return Import{}, store.ErrImportKeyBusy()
	}
	return importView(im, sum), nil
}

// pushedFile is the file name of pushed rows' imports.
const pushedFile = "pushed.csv"

// rowsFile writes rows as the CSV file an import reads: a header of the
// kind's column keys, then each row's values in that order. A key that is
// no column of the kind, or a value that is not a string, number, boolean
// or null, is refused, naming the row (rows[i]) and key.
func rowsFile(spec importer.Spec, rows []map[string]any) ([]byte, error) {
	switch {
	case len(rows) == 0:
		return nil, apperr.Required("rows", "数据行", "at least one row")
	case len(rows) > MaxPushRows:
		return nil, apperr.New(apperr.Invalid, "push.too_many_rows", "一次最多推送 %d 行，更多的数据请用文件导入",
			"at most %d rows at a time; import a file for more", MaxPushRows).WithField("rows")
	}
	keys := make([]string, len(spec.Columns))
	for i, c := range spec.Columns {
		keys[i] = c.Key
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(keys); err != nil {
		return nil, err
	}
	rec := make([]string, len(keys))
	for i, row := range rows {
		for k := range row {
			if !slices.Contains(keys, k) {
				return nil, apperr.New(apperr.Invalid, "push.column_unknown", "第 %d 行的「%s」不是%s数据的列",
					"row %d: %q is not a column of %s", i, k, spec.Kind).WithField(fmt.Sprintf("rows[%d].%s", i, k))
			}
		}
		for j, k := range keys {
			v, err := cellOf(row[k])
			if err != nil {
				return nil, apperr.New(apperr.Invalid, "push.value_invalid", "第 %d 行「%s」的值须为文字、数字、是否或空",
					"row %d: %s must be a string, number, boolean or null", i, k).WithField(fmt.Sprintf("rows[%d].%s", i, k))
			}
			rec[j] = v
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// cellOf is a JSON value as the text of a cell.
func cellOf(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("not a cell: %T", v)
}
