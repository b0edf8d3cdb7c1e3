package importer

import (
	"bytes"

	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// Open reads data (xlsx or CSV, told apart by content) as a file of spec:
// it finds the header row and returns a reader positioned at the first
// data row, and the header. The caller closes the reader.
//
// The rows tabular.ReadHeader reads past the header to be sure of it are
// handed out again by the reader (tabular.Open's readers keep them), so
// one reader serves for the header and the data.
func Open(spec Spec, filename string, data []byte) (tabular.Reader, tabular.Header, error) {
	r, err := tabular.Open(filename, bytes.NewReader(data), int64(len(data)), tabular.DefaultLimits())
	if err != nil {
		return nil, tabular.Header{}, err
	}
	h, err := tabular.ReadHeader(r, spec.Columns)
	if err != nil {
		r.Close()
		return nil, h, err
	}
	return r, h, nil
}
