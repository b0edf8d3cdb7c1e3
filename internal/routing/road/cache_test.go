package road

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// assertSameGraph fails unless a and b are identical, hierarchies included.
func assertSameGraph(t *testing.T, g1 *Graph, h1 *CH, g2 *Graph, h2 *CH) {
	t.Helper()
	if !slices.Equal(g1.points, g2.points) || !slices.Equal(g1.first, g2.first) ||
		!slices.Equal(g1.head, g2.head) || !slices.Equal(g1.cost, g2.cost) {
		t.Error("graphs differ")
	}
	if !slices.Equal(h1.rank, h2.rank) {
		t.Error("ranks differ")
	}
	for _, c := range [][2]*csr{{&h1.up, &h2.up}, {&h1.down, &h2.down}} {
		if !slices.Equal(c[0].first, c[1].first) || !slices.Equal(c[0].head, c[1].head) || !slices.Equal(c[0].cost, c[1].cost) {
			t.Error("hierarchy arcs differ")
		}
	}
}

func TestCacheRoundTrip(t *testing.T) {
	r := testRouter(t)
	g, h := r.Graph(), r.CH()
	path := filepath.Join(t.TempDir(), "graph")
	key := cacheKey{size: 1234, mtime: 5678, profile: CarProfile().fingerprint()}
	if err := saveCache(path, key, g, h); err != nil {
		t.Fatal(err)
	}
	g2, h2, err := loadCache(path, key)
	if err != nil {
		t.Fatal(err)
	}
	assertSameGraph(t, g, h, g2, h2)

	other := key
	other.mtime++
	if _, _, err := loadCache(path, other); !errors.Is(err, errStaleCache) {
		t.Errorf("other mtime: %v, want errStaleCache", err)
	}
	slower := CarProfile()
	slower.Speeds["primary"] = 50
	other = key
	other.profile = slower.fingerprint()
	if _, _, err := loadCache(path, other); !errors.Is(err, errStaleCache) {
		t.Errorf("other profile: %v, want errStaleCache", err)
	}

	data, _ := os.ReadFile(path)
	data[len(data)/2] ^= 0x40
	os.WriteFile(path, data, 0o644)
	if _, _, err := loadCache(path, key); err == nil || errors.Is(err, errStaleCache) {
		t.Errorf("damaged file: %v", err)
	}
	os.WriteFile(path, data[:100], 0o644)
	if _, _, err := loadCache(path, key); err == nil {
		t.Error("truncated file loaded")
	}
	if _, _, err := loadCache(filepath.Join(t.TempDir(), "none"), key); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestValidateRejectsBadHierarchy(t *testing.T) {
	r := testRouter(t)
	good := r.CH()
	h := &CH{rank: good.rank, up: good.up, down: good.down}
	h.up.head = slices.Clone(h.up.head)
	h.up.head[0] = 0 // an arc down to node 0
	if err := h.validate(); err == nil {
		t.Error("downward arc accepted")
	}
	if err := r.CH().validate(); err != nil {
		t.Errorf("good hierarchy rejected: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "missing.osm.pbf"), OpenOptions{}); err == nil {
		t.Error("missing extract opened")
	}
	r := testRouter(t)
	err := saveCache(filepath.Join(t.TempDir(), "no", "such", "dir", "graph"), cacheKey{}, r.Graph(), r.CH())
	if err == nil {
		t.Error("cache written into a missing directory")
	}
}
