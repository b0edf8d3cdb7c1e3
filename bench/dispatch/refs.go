package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/stockpile-dev/stockpile/internal/alloc"
)

// This file runs the two reference solvers on exported networks.

//go:embed lemon/mcf.cpp
var lemonSource []byte

// refResult is one reference run.
type refResult struct {
	objective int64
	solve     time.Duration // as measured by the solver itself
	wall      time.Duration // the whole process, reading the file included
	timedOut  bool
	note      string
}

// lemonBinary compiles lemon/mcf.cpp with g++ into a cache directory named
// after the source's hash, unless it is already there, and returns its path.
func lemonBinary(ctx context.Context) (string, error) {
	sum := sha256.Sum256(lemonSource)
	dir := filepath.Join(os.TempDir(), "stockpile-bench-lemon-"+hex.EncodeToString(sum[:6]))
	bin := filepath.Join(dir, "mcf")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	src := filepath.Join(dir, "mcf.cpp")
	if err := os.WriteFile(src, lemonSource, 0o644); err != nil {
		return "", err
	}
	tmp := bin + ".tmp"
	cmd := exec.CommandContext(ctx, "g++", "-O2", "-o", tmp, src, "-llemon")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("g++ mcf.cpp (is liblemon-dev installed?): %w\n%s", err, out)
	}
	return bin, os.Rename(tmp, bin)
}

// runLEMON solves the DIMACS file with the LEMON driver.
func runLEMON(ctx context.Context, bin, dimacs string) (*refResult, error) {
	start := time.Now()
	out, err := exec.CommandContext(ctx, bin, dimacs).Output()
	wall := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("lemon mcf: %w\n%s", err, out)
	}
	kv := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok {
			kv[k] = v
		}
	}
	if kv["status"] != "optimal" {
		return nil, fmt.Errorf("lemon mcf: status %q", kv["status"])
	}
	obj, err1 := strconv.ParseInt(kv["objective"], 10, 64)
	secs, err2 := strconv.ParseFloat(kv["seconds"], 64)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("lemon mcf output %q: %w", out, err)
	}
	return &refResult{objective: obj, solve: time.Duration(secs * float64(time.Second)), wall: wall}, nil
}

var (
	glpkTime     = regexp.MustCompile(`Time used:\s+([0-9.]+) secs`)
	glpkProgress = regexp.MustCompile(`(?m)^[ *]\s*\d+: obj = .*$`) // simplex progress lines
)

// runGLPK solves the LP file with glpsol, within limit: --tmlim for the
// simplex, and a kill after limit plus a margin for reading the file. The
// objective is recomputed exactly from the column values (the flows are
// integral) rather than read as a 15-digit float.
func runGLPK(ctx context.Context, nw *alloc.Network, lp string, limit time.Duration) (*refResult, error) {
	sol := lp + ".sol"
	ctx, cancel := context.WithTimeout(ctx, limit+limit/2+30*time.Second)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "glpsol", "--lp", lp, "--tmlim", strconv.Itoa(int(limit.Seconds())), "-w", sol)
	out, err := cmd.CombinedOutput()
	res := &refResult{wall: time.Since(start)}
	if m := glpkTime.FindSubmatch(out); m != nil {
		secs, _ := strconv.ParseFloat(string(m[1]), 64)
		res.solve = time.Duration(secs * float64(time.Second))
	}
	switch {
	case ctx.Err() != nil:
		res.timedOut, res.note = true, "killed while reading or solving"
		return res, nil
	case bytes.Contains(out, []byte("TIME LIMIT EXCEEDED")):
		res.timedOut, res.note = true, "--tmlim reached"
		if p := glpkProgress.FindAll(out, -1); len(p) > 0 {
			res.note += "; last: " + strings.Join(strings.Fields(string(p[len(p)-1])), " ")
		}
		return res, nil
	case err != nil:
		return nil, fmt.Errorf("glpsol: %w\n%s", err, tail(out))
	case !bytes.Contains(out, []byte("OPTIMAL LP SOLUTION FOUND")):
		return nil, fmt.Errorf("glpsol: no optimal solution\n%s", tail(out))
	}
	obj, err := glpkObjective(nw, sol)
	if err != nil {
		return nil, err
	}
	res.objective = obj
	return res, nil
}

// glpkObjective reads glpsol's solution file ("j col status value dual"
// lines) and returns Σ cost × value with each value rounded to the
// integer it must be.
func glpkObjective(nw *alloc.Network, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var obj int64
	cols := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || fields[0] != "j" {
			continue
		}
		k, err1 := strconv.Atoi(fields[1])
		x, err2 := strconv.ParseFloat(fields[3], 64)
		if err := errors.Join(err1, err2); err != nil || k < 1 || k > len(nw.Cost) {
			return 0, fmt.Errorf("glpsol solution line %q: bad column", sc.Text())
		}
		r := math.Round(x)
		if math.Abs(x-r) > 1e-6*max(1, math.Abs(x)) {
			return 0, fmt.Errorf("glpsol: column %d has fractional value %v", k, x)
		}
		obj += int64(r) * nw.Cost[k-1]
		cols++
	}
	if cols != len(nw.Cost) {
		return 0, fmt.Errorf("glpsol solution has %d columns, want %d", cols, len(nw.Cost))
	}
	return obj, sc.Err()
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}
