package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// fakeOSRM implements /table/v1/driving/ well enough to test the client: it
// checks the query, answers duration = 1000·|Δlon| + 1000·|Δlat| seconds
// and distance = 10 × that, and reports null for pairs whose destination
// has longitude 0 (an island).
type fakeOSRM struct {
	t        *testing.T
	maxTable int
	mu       sync.Mutex // guards requests
	requests []string
}

func (f *fakeOSRM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.String())
	f.mu.Unlock()
	coordsText, ok := strings.CutPrefix(r.URL.Path, "/table/v1/driving/")
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": "InvalidService", "message": "bad path " + r.URL.Path})
		return
	}
	q := rawQuery(r.URL.RawQuery)
	if q.Get("annotations") != "duration,distance" {
		f.t.Errorf("annotations=%q", q.Get("annotations"))
	}
	pts, err := parseCoords(coordsText)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": "InvalidUrl", "message": err.Error()})
		return
	}
	src, err1 := parseIndices(q.Get("sources"), len(pts))
	dst, err2 := parseIndices(q.Get("destinations"), len(pts))
	if err1 != nil || err2 != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": "InvalidOptions", "message": fmt.Sprint(err1, err2)})
		return
	}
	if len(src)*len(dst) > f.maxTable*f.maxTable {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": "TooBig", "message": "Too many table coordinates"})
		return
	}
	writeJSON(w, http.StatusOK, fakeTable(pts, src, dst))
}

// rawQuery splits a query string on '&' only: OSRM separates list items
// with unescaped ';', which net/url rejects as a separator.
func rawQuery(s string) url.Values {
	v := url.Values{}
	for _, kv := range strings.Split(s, "&") {
		k, val, _ := strings.Cut(kv, "=")
		v.Add(k, val)
	}
	return v
}

func fakeTable(pts []geo.Point, src, dst []int) map[string]any {
	durations := make([][]*float64, len(src))
	distances := make([][]*float64, len(src))
	for i, s := range src {
		durations[i] = make([]*float64, len(dst))
		distances[i] = make([]*float64, len(dst))
		for j, d := range dst {
			if pts[d].Lon == 0 {
				continue
			}
			v := fakeSeconds(pts[s], pts[d])
			dist := 10 * v
			durations[i][j], distances[i][j] = &v, &dist
		}
	}
	return map[string]any{"code": "Ok", "durations": durations, "distances": distances}
}

func fakeSeconds(a, b geo.Point) float64 {
	abs := func(x float64) float64 { return max(x, -x) }
	return 1000*abs(a.Lon-b.Lon) + 1000*abs(a.Lat-b.Lat)
}

func parseCoords(s string) ([]geo.Point, error) {
	var pts []geo.Point
	for _, c := range strings.Split(s, ";") {
		lon, lat, ok := strings.Cut(c, ",")
		if !ok {
			return nil, fmt.Errorf("coordinate %q", c)
		}
		x, err1 := strconv.ParseFloat(lon, 64)
		y, err2 := strconv.ParseFloat(lat, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("coordinate %q", c)
		}
		pts = append(pts, geo.Point{Lon: x, Lat: y})
	}
	return pts, nil
}

func parseIndices(s string, n int) ([]int, error) {
	var idx []int
	for _, f := range strings.Split(s, ";") {
		k, err := strconv.Atoi(f)
		if err != nil || k < 0 || k >= n {
			return nil, fmt.Errorf("index %q of %d coordinates", f, n)
		}
		idx = append(idx, k)
	}
	return idx, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// grid returns n points 0.01° apart along a diagonal from (116, 39.5).
func grid(n int, lon0 float64) []geo.Point {
	pts := make([]geo.Point, n)
	for i := range pts {
		pts[i] = geo.Point{Lon: lon0 + 0.01*float64(i), Lat: 39.5 + 0.013*float64(i)}
	}
	return pts
}

func TestOSRMChunking(t *testing.T) {
	fake := &fakeOSRM{t: t, maxTable: 3}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := &OSRM{BaseURL: srv.URL, MaxTableSize: 3}
	from, to := grid(7, 116), grid(5, 116.5)
	to[2] = geo.Point{Lon: 0, Lat: 39.9} // unreachable island
	m, err := o.Matrix(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	// 7 origins in blocks of 3 (3, 3, 1) × 5 destinations (3, 2).
	if len(fake.requests) != 6 {
		t.Errorf("%d requests, want 6:\n%s", len(fake.requests), strings.Join(fake.requests, "\n"))
	}
	for i := range from {
		for j := range to {
			want, wantM := int32(Unreachable), int32(Unreachable)
			if to[j].Lon != 0 {
				v := fakeSeconds(from[i], to[j])
				want, wantM = int32(v+0.5), int32(10*v+0.5)
			}
			if m.At(i, j) != want || m.Meters[i*m.Cols+j] != wantM {
				t.Errorf("(%d,%d) = %d s, %d m; want %d s, %d m", i, j, m.At(i, j), m.Meters[i*m.Cols+j], want, wantM)
			}
		}
	}
	first := fake.requests[0]
	wantFirst := "/table/v1/driving/116.000000,39.500000;116.010000,39.513000;116.020000,39.526000;" +
		"116.500000,39.500000;116.510000,39.513000;0.000000,39.900000" +
		"?annotations=duration,distance&sources=0;1;2&destinations=3;4;5"
	if first != wantFirst {
		t.Errorf("first request\n %s\nwant\n %s", first, wantFirst)
	}
}

func TestOSRMURLBudget(t *testing.T) {
	fake := &fakeOSRM{t: t, maxTable: 100}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := &OSRM{BaseURL: srv.URL, MaxURLBytes: 600}
	m, err := o.Matrix(context.Background(), grid(12, 116), grid(12, 117))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range fake.requests {
		if len(srv.URL)+len(u) > 600 {
			t.Errorf("URL of %d bytes over the 600 budget", len(srv.URL)+len(u))
		}
	}
	if len(fake.requests) < 4 || m.At(11, 11) != int32(fakeSeconds(grid(12, 116)[11], grid(12, 117)[11])+0.5) {
		t.Errorf("%d requests, (11,11) = %d", len(fake.requests), m.At(11, 11))
	}
	if _, err := (&OSRM{BaseURL: srv.URL, MaxURLBytes: 50}).Matrix(context.Background(), grid(1, 116), grid(1, 116)); err == nil {
		t.Error("a 50-byte URL budget was accepted")
	}
}

func TestOSRMErrors(t *testing.T) {
	fake := &fakeOSRM{t: t, maxTable: 2}
	srv := httptest.NewServer(fake)
	defer srv.Close()

	// The server allows 2×2 but the client was told 3: OSRM's TooBig surfaces.
	_, err := (&OSRM{BaseURL: srv.URL, MaxTableSize: 3}).Matrix(context.Background(), grid(3, 116), grid(3, 117))
	if err == nil || !strings.Contains(err.Error(), "TooBig") || !strings.Contains(err.Error(), "Too many table coordinates") {
		t.Errorf("TooBig: %v", err)
	}

	_, err = (&OSRM{BaseURL: srv.URL, Profile: "walking"}).Matrix(context.Background(), grid(1, 116), grid(1, 117))
	if err == nil || !strings.Contains(err.Error(), "InvalidService") {
		t.Errorf("wrong profile: %v", err)
	}

	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream down", http.StatusBadGateway)
	}))
	defer plain.Close()
	_, err = (&OSRM{BaseURL: plain.URL}).Matrix(context.Background(), grid(1, 116), grid(1, 117))
	if err == nil || !strings.Contains(err.Error(), "HTTP 502") {
		t.Errorf("502: %v", err)
	}

	short := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"code": "Ok", "durations": [][]float64{{1}}})
	}))
	defer short.Close()
	_, err = (&OSRM{BaseURL: short.URL}).Matrix(context.Background(), grid(2, 116), grid(1, 117))
	if err == nil || !strings.Contains(err.Error(), "durations has 1 rows, want 2") {
		t.Errorf("short answer: %v", err)
	}

	if _, err := (&OSRM{BaseURL: "osrm:5000"}).Matrix(context.Background(), grid(1, 116), grid(1, 117)); err == nil {
		t.Error("base URL without scheme accepted")
	}
}

func TestOSRMNoDistances(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"code": "Ok", "durations": [][]any{{12.4, nil}}})
	}))
	defer srv.Close()
	m, err := (&OSRM{BaseURL: srv.URL}).Matrix(context.Background(), grid(1, 116), grid(2, 117))
	if err != nil {
		t.Fatal(err)
	}
	if m.Meters != nil || m.At(0, 0) != 12 || m.At(0, 1) != Unreachable {
		t.Errorf("matrix %+v, want [12 Unreachable] and no meters", m)
	}
}

func TestOSRMContext(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := (&OSRM{BaseURL: slow.URL}).Matrix(ctx, grid(1, 116), grid(1, 117))
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("slow server: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancellation took %v", time.Since(start))
	}
}
