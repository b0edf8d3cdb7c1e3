package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/alloc"
)

// tiny is a two-node-per-side network: a depot with 5, a site needing 7.
func tiny(t *testing.T) *alloc.Network {
	t.Helper()
	p := alloc.Problem{
		Sources: []alloc.Source{{Key: "d", Tier: alloc.TierCity, Supplies: []alloc.Supply{{Item: "tent", Qty: 5}}}},
		Sites:   []alloc.Site{{Key: "s", Priority: 2, Demands: []alloc.Demand{{Item: "tent", Qty: 7, Deadline: time.Hour}}}},
		Travel:  func(int, int) (time.Duration, bool) { return 30 * time.Minute, true },
	}
	nw, err := alloc.BuildNetwork(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return nw
}

func write(t *testing.T, fn func(*bufio.Writer) error) string {
	t.Helper()
	var sb strings.Builder
	w := bufio.NewWriter(&sb)
	if err := fn(w); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return sb.String()
}

func TestWriteDIMACS(t *testing.T) {
	nw := tiny(t)
	got := write(t, func(w *bufio.Writer) error { return writeDIMACS(w, nw) })
	want := `c stockpile dispatch bench: 1 item components
p min 3 3
n 1 5
n 2 -7
n 3 2
a 1 3 0 8 0
a 3 2 0 8 2000000
a 1 2 0 8 60
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteLP(t *testing.T) {
	nw := tiny(t)
	got := write(t, func(w *bufio.Writer) error { return writeLP(w, nw) })
	want := `\ stockpile dispatch bench: 1 item components
Minimize
 obj: + 0 x1 + 2000000 x2 + 60 x3
Subject To
 n1: + x1 + x3 = 5
 n2: - x2 - x3 = -7
 n3: + x2 - x1 = 2
End
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// needReference skips a test when a reference solver is missing, except
// under scripts/test.sh (STOCKPILE_TEST_REFERENCES=require), which installs
// them: there a missing solver fails the test.
func needReference(t *testing.T, ok bool, what string) {
	t.Helper()
	switch {
	case ok:
	case os.Getenv("STOCKPILE_TEST_REFERENCES") == "require":
		t.Fatalf("%s is not installed (apt-get install -y glpk-utils liblemon-dev g++)", what)
	default:
		t.Skipf("%s is not installed (apt-get install -y glpk-utils liblemon-dev g++)", what)
	}
}

// TestGLPKRoundTrip solves the tiny LP with glpsol: 5 delivered at 60,
// 2 short at 2,000,000.
func TestGLPKRoundTrip(t *testing.T) {
	_, err := exec.LookPath("glpsol")
	needReference(t, err == nil, "glpsol")
	nw := tiny(t)
	lp := filepath.Join(t.TempDir(), "tiny.lp")
	if err := writeFile(lp, func(w *bufio.Writer) error { return writeLP(w, nw) }); err != nil {
		t.Fatal(err)
	}
	res, err := runGLPK(context.Background(), nw, lp, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.objective != 5*60+2*2_000_000 {
		t.Fatalf("objective %d", res.objective)
	}
}

// TestLEMONRoundTrip compiles our LEMON driver and solves the tiny network
// in DIMACS form: the same objective as the LP.
func TestLEMONRoundTrip(t *testing.T) {
	_, err := os.Stat("/usr/include/lemon/network_simplex.h")
	needReference(t, err == nil, "LEMON (liblemon-dev)")
	nw := tiny(t)
	dimacs := filepath.Join(t.TempDir(), "tiny.dimacs")
	if err := writeFile(dimacs, func(w *bufio.Writer) error { return writeDIMACS(w, nw) }); err != nil {
		t.Fatal(err)
	}
	bin, err := lemonBinary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, err := runLEMON(context.Background(), bin, dimacs)
	if err != nil {
		t.Fatal(err)
	}
	if res.objective != 5*60+2*2_000_000 {
		t.Fatalf("objective %d", res.objective)
	}
}

// TestGenerateDeterministic: the same seed gives the same instance.
func TestGenerateDeterministic(t *testing.T) {
	a, b := generate(&beijingSpec, 7), generate(&beijingSpec, 7)
	if !reflect.DeepEqual(a.travel, b.travel) || !reflect.DeepEqual(a.problem.Sources, b.problem.Sources) ||
		!reflect.DeepEqual(a.problem.Sites, b.problem.Sites) {
		t.Fatal("same seed, different instances")
	}
	if len(a.problem.Sources) != 500 || len(a.problem.Sites) != 60 {
		t.Fatalf("%d sources, %d sites", len(a.problem.Sources), len(a.problem.Sites))
	}
	if c := generate(&beijingSpec, 8); reflect.DeepEqual(a.travel, c.travel) {
		t.Fatal("different seeds, same travel times")
	}
}
