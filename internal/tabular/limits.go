package tabular

import (
	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Limits bound what a file may make the reader do. The zero value of a
// field means its default (DefaultLimits).
type Limits struct {
	MaxBytes         int64 // the file as uploaded
	MaxUncompressed  int64 // xlsx: all parts of the archive, uncompressed
	MaxSharedStrings int64 // xlsx: the shared-string table, uncompressed
	MaxRows          int   // rows read, header rows included
	MaxColumns       int   // cells per row (trailing empty cells not counted)
	MaxEntries       int   // xlsx: parts (files) in the archive
	// MaxRatio is the largest uncompressed-to-compressed size ratio of a
	// part of at least 1 MiB uncompressed; ordinary sheets compress 5–30 to 1.
	MaxRatio int64
	// MaxMergedCells is the most merged ranges a sheet may declare.
	MaxMergedCells int
	// MaxPart bounds, uncompressed, each xlsx part other than the sheets
	// and the shared-string table (styles, drawings, images): the xlsx
	// library holds those in memory.
	MaxPart int64
}

// DefaultLimits are generous for a province's opening stock (a million
// rows) and small enough that a hostile file cannot exhaust the server.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 256 << 20, MaxUncompressed: 1 << 30, MaxSharedStrings: 128 << 20,
		MaxRows: 2_000_000, MaxColumns: 256, MaxEntries: 10_000, MaxRatio: 100, MaxMergedCells: 100_000, MaxPart: 64 << 20}
}

// ratioFloor is the uncompressed size below which MaxRatio is not applied:
// small parts (styles, an empty sheet) compress very well and are harmless.
const ratioFloor = 1 << 20

// withDefaults returns l with every zero (or negative) field set to its
// default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick64 := func(v, def int64) int64 {
		if v <= 0 {
			return def
		}
		return v
	}
	pick := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	return Limits{
		MaxBytes:         pick64(l.MaxBytes, d.MaxBytes),
		MaxUncompressed:  pick64(l.MaxUncompressed, d.MaxUncompressed),
		MaxSharedStrings: pick64(l.MaxSharedStrings, d.MaxSharedStrings),
		MaxRows:          pick(l.MaxRows, d.MaxRows),
		MaxColumns:       pick(l.MaxColumns, d.MaxColumns),
		MaxEntries:       pick(l.MaxEntries, d.MaxEntries),
		MaxRatio:         pick64(l.MaxRatio, d.MaxRatio),
		MaxMergedCells:   pick(l.MaxMergedCells, d.MaxMergedCells),
		MaxPart:          pick64(l.MaxPart, d.MaxPart),
	}
}

// refuse is the Invalid error refusing a file; the messages are formatted
// with the same args.
func refuse(code, zh, en string, args ...any) *apperr.Error {
	return apperr.New(apperr.Invalid, code, zh, en, args...)
}

// mib is n bytes in MiB, for messages.
func mib(n int64) float64 { return float64(n) / (1 << 20) }
