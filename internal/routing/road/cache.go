package road

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// The cache file holds a Graph and its CH:
//
//	magic "stockpile-road\n\x00" (16 bytes), format version (uint32)
//	key: source size (int64), source mtime in Unix ns (int64), profile
//	     fingerprint (uint32 length + bytes)
//	graph: n, m (uint32); n points (lon, lat float64); first (n+1 int32);
//	       head (m int32); cost (m uint64)
//	CH: rank (n int32); up and down, each k (uint32), first (n+1 int32),
//	    head (k int32), cost (k uint64)
//	CRC-32C of everything before (uint32)
//
// All little-endian. Any change to the layout or to how graphs are built
// must bump cacheVersion, so that old files are rebuilt.
const (
	cacheMagic   = "stockpile-road\n\x00"
	cacheVersion = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// cacheKey identifies the data a cache was built from.
type cacheKey struct {
	size, mtime int64
	profile     string
}

func sourceKey(path string, p Profile) (cacheKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return cacheKey{}, err
	}
	return cacheKey{size: fi.Size(), mtime: fi.ModTime().UnixNano(), profile: p.fingerprint()}, nil
}

// errStaleCache means the cache was built from other data; rebuild it.
var errStaleCache = errors.New("cache built from other data")

// saveCache writes g and h to path atomically: to a temporary file in the
// same directory, renamed into place once complete.
func saveCache(path string, key cacheKey, g *Graph, h *CH) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	crc := crc32.New(castagnoli)
	bw := bufio.NewWriterSize(io.MultiWriter(tmp, crc), 1<<20)
	e := encoder{w: bw}
	e.bytes([]byte(cacheMagic))
	e.u32(cacheVersion)
	e.i64(key.size)
	e.i64(key.mtime)
	e.u32(uint32(len(key.profile)))
	e.bytes([]byte(key.profile))
	e.graph(g)
	e.ch(h)
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err != nil {
		return e.err
	}
	if err := binary.Write(tmp, binary.LittleEndian, crc.Sum32()); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// loadCache reads a cache written by saveCache. It returns errStaleCache if
// the file was built from data other than key, and another error if it is
// unreadable or damaged.
func loadCache(path string, key cacheKey) (*Graph, *CH, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(data) < len(cacheMagic)+8 || string(data[:len(cacheMagic)]) != cacheMagic {
		return nil, nil, errors.New("not a stockpile road cache")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, nil, errors.New("checksum mismatch: file damaged")
	}
	d := decoder{r: bytes.NewReader(body[len(cacheMagic):])}
	if v := d.u32(); v != cacheVersion {
		return nil, nil, fmt.Errorf("%w (format version %d, want %d)", errStaleCache, v, cacheVersion)
	}
	got := cacheKey{size: d.i64(), mtime: d.i64()}
	got.profile = string(d.bytes(int(d.u32())))
	if d.err == nil && got != key {
		return nil, nil, errStaleCache
	}
	g := d.graph()
	h := d.ch(g.NumNodes())
	if d.err != nil {
		return nil, nil, d.err
	}
	if err := g.validate(); err != nil {
		return nil, nil, err
	}
	if err := h.validate(); err != nil {
		return nil, nil, err
	}
	return g, h, nil
}

// encoder writes little-endian values, remembering the first error.
type encoder struct {
	w   io.Writer
	err error
}

func (e *encoder) write(v any) {
	if e.err == nil {
		e.err = binary.Write(e.w, binary.LittleEndian, v)
	}
}

func (e *encoder) bytes(b []byte) { e.write(b) }
func (e *encoder) u32(v uint32)   { e.write(v) }
func (e *encoder) i64(v int64)    { e.write(v) }

// codecChunk is how many values the encoder and decoder convert at a time:
// binary.Write and binary.Read are fast only on slices of plain numbers.
const codecChunk = 1 << 16

func (e *encoder) points(pts []geo.Point) {
	buf := make([]float64, 0, 2*min(len(pts), codecChunk))
	for len(pts) > 0 {
		k := min(len(pts), codecChunk)
		buf = buf[:0]
		for _, p := range pts[:k] {
			buf = append(buf, p.Lon, p.Lat)
		}
		e.write(buf)
		pts = pts[k:]
	}
}

func (e *encoder) costs(c []cost) {
	buf := make([]uint64, min(len(c), codecChunk))
	for len(c) > 0 {
		k := min(len(c), codecChunk)
		for i := range k {
			buf[i] = uint64(c[i])
		}
		e.write(buf[:k])
		c = c[k:]
	}
}

func (e *encoder) graph(g *Graph) {
	e.u32(uint32(g.NumNodes()))
	e.u32(uint32(g.NumEdges()))
	e.points(g.points)
	e.write(g.first)
	e.write(g.head)
	e.costs(g.cost)
}

func (e *encoder) ch(h *CH) {
	e.write(h.rank)
	for _, c := range []*csr{&h.up, &h.down} {
		e.u32(uint32(len(c.head)))
		e.write(c.first)
		e.write(c.head)
		e.costs(c.cost)
	}
}

// decoder reads what encoder wrote, remembering the first error. Lengths
// are checked against the bytes left before anything is allocated.
type decoder struct {
	r   *bytes.Reader
	err error
}

func (d *decoder) read(v any) {
	if d.err == nil {
		d.err = binary.Read(d.r, binary.LittleEndian, v)
	}
}

func (d *decoder) u32() (v uint32) { d.read(&v); return v }
func (d *decoder) i64() (v int64)  { d.read(&v); return v }

// fits reports whether count items of size bytes remain to be read.
func (d *decoder) fits(count, size int) bool {
	if d.err == nil && (count < 0 || int64(count)*int64(size) > int64(d.r.Len())) {
		d.err = errors.New("truncated cache")
	}
	return d.err == nil
}

func (d *decoder) bytes(n int) []byte {
	if !d.fits(n, 1) {
		return nil
	}
	b := make([]byte, n)
	d.read(b)
	return b
}

func (d *decoder) int32s(n int) []int32 {
	if !d.fits(n, 4) {
		return nil
	}
	s := make([]int32, n)
	d.read(s)
	return s
}

func (d *decoder) costs(n int) []cost {
	if !d.fits(n, 8) {
		return nil
	}
	c := make([]cost, n)
	buf := make([]uint64, min(n, codecChunk))
	for done := 0; done < n && d.err == nil; done += len(buf) {
		buf = buf[:min(n-done, codecChunk)]
		d.read(buf)
		for i, v := range buf {
			c[done+i] = cost(v)
		}
	}
	return c
}

func (d *decoder) points(n int) []geo.Point {
	if !d.fits(n, 16) {
		return nil
	}
	pts := make([]geo.Point, n)
	buf := make([]float64, 2*min(n, codecChunk))
	for done := 0; done < n && d.err == nil; done += len(buf) / 2 {
		buf = buf[:2*min(n-done, codecChunk)]
		d.read(buf)
		for i := range len(buf) / 2 {
			pts[done+i] = geo.Point{Lon: buf[2*i], Lat: buf[2*i+1]}
		}
	}
	return pts
}

func (d *decoder) graph() *Graph {
	n, m := int(d.u32()), int(d.u32())
	g := &Graph{points: d.points(n)}
	g.first = d.int32s(n + 1)
	g.head = d.int32s(m)
	g.cost = d.costs(m)
	return g
}

func (d *decoder) ch(n int) *CH {
	h := &CH{rank: d.int32s(n)}
	for _, c := range []*csr{&h.up, &h.down} {
		k := int(d.u32())
		c.first = d.int32s(n + 1)
		c.head = d.int32s(k)
		c.cost = d.costs(k)
	}
	return h
}

// validate checks the CSR invariants that the algorithms rely on, so that
// a damaged file fails here rather than with an index out of range.
func (g *Graph) validate() error {
	if err := validCSR(g.first, g.head, len(g.points), -1); err != nil {
		return fmt.Errorf("graph: %w", err)
	}
	for _, p := range g.points {
		if !p.Valid() {
			return errors.New("graph: invalid point")
		}
	}
	return nil
}

func (h *CH) validate() error {
	n := len(h.rank)
	seen := make([]bool, n)
	for _, r := range h.rank {
		if r < 0 || int(r) >= n || seen[r] {
			return errors.New("ch: rank is not a permutation")
		}
		seen[r] = true
	}
	for _, c := range []*csr{&h.up, &h.down} {
		if err := validCSR(c.first, c.head, n, 0); err != nil {
			return fmt.Errorf("ch: %w", err)
		}
	}
	return nil
}

// validCSR checks offsets and heads of an n-node CSR. With upward ≥ 0,
// every arc must also lead to a higher node.
func validCSR(first, head []int32, n, upward int) error {
	if len(first) != n+1 || first[0] != 0 || int(first[n]) != len(head) {
		return errors.New("bad offsets")
	}
	for v := range n {
		if first[v] > first[v+1] {
			return errors.New("offsets not sorted")
		}
		for _, h := range head[first[v]:first[v+1]] {
			if h < 0 || int(h) >= n || upward >= 0 && int(h) <= v {
				return errors.New("arc out of range")
			}
		}
	}
	return nil
}
