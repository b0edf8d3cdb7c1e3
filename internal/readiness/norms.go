package readiness

import (
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// NormColumns are the columns of a norms file, in order; area and group
// (a special group's code, [Group]) are optional.
var NormColumns = []string{"hazard", "item", "basis", "quantity", "tier", "assumption", "source", "area", "group"}

// MaxNormRows bounds the rows of an imported norms file.
const MaxNormRows = 5000

// normsFile is the norms as a CSV file.
func normsFile(k Known) csvFile[Norm, Norm] {
	return csvFile[Norm, Norm]{zh: "定额", en: "norms", columns: NormColumns, required: 7,
		errs: fileErrors{csv: apperr.Error{Kind: apperr.Invalid, Code: "norms.csv"},
			empty:   apperr.Error{Kind: apperr.Invalid, Code: "norms.empty"},
			header:  apperr.Error{Kind: apperr.Invalid, Code: "norms.header"},
			tooMany: apperr.Error{Kind: apperr.Invalid, Code: "norms.too_many"},
			rows:    apperr.Error{Kind: apperr.Invalid, Code: "norms.import"}},
		parse: normFromRecord, check: func(n Norm) error { return n.validate(k) },
		key: func(n Norm) Norm {
			return Norm{Hazard: n.Hazard, Item: n.Item, Basis: n.Basis, Area: n.Area, Tier: n.Tier, Group: n.Group}
		},
		cells: func(n Norm) []string {
			return []string{n.Hazard, n.Item, string(n.Basis), strconv.FormatFloat(n.Quantity, 'f', -1, 64),
				string(n.Tier), yesNo(n.Assumption), n.Source, n.Area, n.Group}
		}}
}

// ImportNorms reads a norms file (CSV with the header [NormColumns], as
// [ExportNorms] writes and Excel saves; area and group may be left out)
// and checks every row. It returns the norms only when every row is good;
// otherwise the error (norms.import) lists each bad row with its line and
// column, so one round of corrections suffices. Every cell must be valid
// UTF-8 without NUL (text.invalid_utf8, text.nul).
func ImportNorms(text string, k Known) ([]Norm, error) { return normsFile(k).read(text) }

// ExportNorms writes norms as the CSV [ImportNorms] reads, with a
// byte-order mark for Excel and formula-like cells neutralised
// ([csvcell.Neutralise]), so that opening the file runs nothing.
func ExportNorms(norms []Norm) []byte { return normsFile(Known{}).write(norms) }
