package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// OSRM is a [Router] backed by an OSRM server's table service
// (GET /table/v1/{profile}/{lon,lat;...}?sources=…&destinations=…
// &annotations=duration,distance). Large matrices are split into blocks of
// at most MaxTableSize origins × MaxTableSize destinations, which
// osrm-routed accepts when started with the same --max-table-size (it
// rejects requests with sources × destinations > max²), and whose URL stays
// under MaxURLBytes. Blocks are requested one after another.
//
// The zero values of the optional fields select the documented defaults.
// An OSRM must not be modified after its first use; it is then safe for
// concurrent use.
type OSRM struct {
	// BaseURL is the server root, e.g. "http://osrm.internal:5000".
	BaseURL string
	// Profile is the profile path segment; "driving" when empty.
	Profile string
	// Client sends the requests; when nil, a client with a 60 s timeout
	// per request is used.
	Client *http.Client
	// MaxTableSize bounds origins and destinations per request; 100 (the
	// osrm-routed default) when zero.
	MaxTableSize int
	// MaxURLBytes bounds the request URL length; 8000 when zero, below the
	// 8 KiB line limit of common proxies.
	MaxURLBytes int
}

const (
	defaultMaxTableSize = 100
	defaultMaxURLBytes  = 8000
	// coordBytes is the most one coordinate adds to a URL: "-179.123456,
	// -89.123456;" is 23 bytes, plus up to 5 for its index in sources= or
	// destinations=.
	coordBytes = 28
)

// Name returns "osrm:" followed by the base URL.
func (o *OSRM) Name() string { return "osrm:" + o.BaseURL }

// Matrix implements [Router]. Durations and distances are rounded to whole
// seconds and metres; null entries (no route) become Unreachable. Meters is
// nil if the server did not return distances (OSRM before 5.20 ignores the
// annotations parameter).
func (o *OSRM) Matrix(ctx context.Context, from, to []geo.Point) (Matrix, error) {
	if err := CheckPoints(from, to); err != nil {
		return Matrix{}, err
	}
	if u, err := url.Parse(o.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		return Matrix{}, fmt.Errorf("routing: osrm: bad base URL %q", o.BaseURL)
	}
	m := NewMatrix(len(from), len(to), true)
	size, err := o.blockSize()
	if err != nil {
		return Matrix{}, err
	}
	for i0 := 0; i0 < len(from); i0 += size {
		for j0 := 0; j0 < len(to); j0 += size {
			b := block{i0: i0, j0: j0, from: from[i0:min(i0+size, len(from))], to: to[j0:min(j0+size, len(to))]}
			if err := o.fetch(ctx, b, &m); err != nil {
				return Matrix{}, err
			}
		}
	}
	return m, nil
}

// blockSize is the side of the largest square block that satisfies both
// MaxTableSize and MaxURLBytes.
func (o *OSRM) blockSize() (int, error) {
	size := cmpOr(o.MaxTableSize, defaultMaxTableSize)
	budget := cmpOr(o.MaxURLBytes, defaultMaxURLBytes) - len(o.tableURL(nil, 0, 0))
	size = min(size, budget/(2*coordBytes))
	if size < 1 {
		return 0, fmt.Errorf("routing: osrm: MaxURLBytes %d leaves no room for coordinates", o.MaxURLBytes)
	}
	return size, nil
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// block is one request: origins from[i0:…] × destinations to[j0:…].
type block struct {
	i0, j0   int
	from, to []geo.Point
}

// tableURL builds the request for coordinates pts, the first nFrom of which
// are the sources and the next nTo the destinations.
func (o *OSRM) tableURL(pts []geo.Point, nFrom, nTo int) string {
	var sb strings.Builder
	sb.WriteString(strings.TrimSuffix(o.BaseURL, "/"))
	sb.WriteString("/table/v1/")
	sb.WriteString(cmpOrString(o.Profile, "driving"))
	sb.WriteByte('/')
	for k, p := range pts {
		if k > 0 {
			sb.WriteByte(';')
		}
		sb.WriteString(strconv.FormatFloat(p.Lon, 'f', 6, 64))
		sb.WriteByte(',')
		sb.WriteString(strconv.FormatFloat(p.Lat, 'f', 6, 64))
	}
	sb.WriteString("?annotations=duration,distance&sources=")
	writeRange(&sb, 0, nFrom)
	sb.WriteString("&destinations=")
	writeRange(&sb, nFrom, nFrom+nTo)
	return sb.String()
}

func cmpOrString(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// writeRange writes lo;lo+1;…;hi-1.
func writeRange(sb *strings.Builder, lo, hi int) {
	for k := lo; k < hi; k++ {
		if k > lo {
			sb.WriteByte(';')
		}
		sb.WriteString(strconv.Itoa(k))
	}
}

// tableResponse is the part of OSRM's table answer that we use.
type tableResponse struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Durations [][]*float64 `json:"durations"`
	Distances [][]*float64 `json:"distances"`
}

// fetch requests block b and copies its answer into m.
func (o *OSRM) fetch(ctx context.Context, b block, m *Matrix) error {
	pts := append(append(make([]geo.Point, 0, len(b.from)+len(b.to)), b.from...), b.to...)
	u := o.tableURL(pts, len(b.from), len(b.to))
	resp, err := o.get(ctx, u)
	if err != nil {
		return fmt.Errorf("routing: osrm table rows %d–%d, cols %d–%d: %w", b.i0, b.i0+len(b.from)-1, b.j0, b.j0+len(b.to)-1, err)
	}
	if err := resp.check(len(b.from), len(b.to)); err != nil {
		return fmt.Errorf("routing: osrm table rows %d–%d, cols %d–%d: %w", b.i0, b.i0+len(b.from)-1, b.j0, b.j0+len(b.to)-1, err)
	}
	if resp.Distances == nil {
		m.Meters = nil
	}
	for i := range b.from {
		for j := range b.to {
			k := (b.i0+i)*m.Cols + b.j0 + j
			m.Seconds[k] = roundOrUnreachable(resp.Durations[i][j])
			if m.Meters != nil {
				m.Meters[k] = roundOrUnreachable(resp.Distances[i][j])
			}
		}
	}
	return nil
}

func roundOrUnreachable(v *float64) int32 {
	if v == nil {
		return Unreachable
	}
	return int32(math.Round(*v))
}

// get sends one request and decodes the answer, whatever the HTTP status:
// OSRM reports errors as JSON with a code and a message.
func (o *OSRM) get(ctx context.Context, u string) (*tableResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	client := o.Client
	if client == nil {
		// Cheap: connections are pooled by the shared default transport.
		client = &http.Client{Timeout: 60 * time.Second}
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("reading answer: %w", err)
	}
	var tr tableResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("HTTP %d, not an OSRM answer: %q", res.StatusCode, snippet(body))
	}
	if tr.Code != "Ok" {
		return nil, fmt.Errorf("OSRM says %s: %s (HTTP %d)", cmpOrString(tr.Code, "no code"), tr.Message, res.StatusCode)
	}
	return &tr, nil
}

// check verifies that the answer has the shape that was asked for.
func (tr *tableResponse) check(rows, cols int) error {
	if err := checkShape("durations", tr.Durations, rows, cols); err != nil {
		return err
	}
	if tr.Distances != nil {
		return checkShape("distances", tr.Distances, rows, cols)
	}
	return nil
}

func checkShape(name string, v [][]*float64, rows, cols int) error {
	if len(v) != rows {
		return fmt.Errorf("%s has %d rows, want %d", name, len(v), rows)
	}
	for i, row := range v {
		if len(row) != cols {
			return fmt.Errorf("%s row %d has %d entries, want %d", name, i, len(row), cols)
		}
		for _, x := range row {
			if x != nil && (*x < 0 || *x > math.MaxInt32 || math.IsNaN(*x)) {
				return errors.New(name + " has an out-of-range entry")
			}
		}
	}
	return nil
}

func snippet(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
