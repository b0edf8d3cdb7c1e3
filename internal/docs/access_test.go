package docs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
)

// rulesMarker is the line of docs/access.md the rules table follows.
const rulesMarker = "<!-- rules: generated from access.Rules; internal/docs/access_test.go checks it -->"

// TestAccessRulesTable keeps the rules table of docs/access.md and the one
// table the program enforces, access.Rules, in step: the table after
// rulesMarker must be, line for line, the one rulesTable makes from
// access.Rules. On a difference it prints the table to paste.
func TestAccessRulesTable(t *testing.T) {
	path := filepath.Join(repoRoot(t), "docs", "access.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := rulesTable()
	_, rest, ok := strings.Cut(string(data), rulesMarker+"\n")
	if !ok {
		t.Fatalf("docs/access.md lacks the line\n%s\nfollowed by the rules table:\n\n%s", rulesMarker, want)
	}
	var got []string
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "|") {
			break
		}
		got = append(got, strings.TrimSpace(line))
	}
	wantLines := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	for i := 0; i < max(len(got), len(wantLines)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Fatalf("docs/access.md's rules table differs from access.Rules at row %d:\n have %q\n want %q\n\n"+
				"The table to put after %s:\n\n%s", i+1, g, w, rulesMarker, want)
		}
	}
}

// rulesTable is the rules table of docs/access.md: one row per action of
// access.Rules, in its order, and a column per role of access.Roles saying
// how far the role's grant reaches: "own" (the role's scope), "all" (the
// whole city), "—" (denied); the public row is "anyone", signed in or not.
func rulesTable() string {
	var b strings.Builder
	b.WriteString("| action | 中文 | English |")
	for _, r := range access.Roles {
		zh, _ := r.Names()
		fmt.Fprintf(&b, " %s<br>`%s` |", zh, r)
	}
	b.WriteString("\n|---|---|---|")
	b.WriteString(strings.Repeat(":-:|", len(access.Roles)))
	b.WriteString("\n")
	for _, rule := range access.Rules {
		fmt.Fprintf(&b, "| `%s` | %s | %s |", rule.Action, rule.ZH, rule.EN)
		for _, role := range access.Roles {
			cell := "—"
			switch {
			case rule.Action == access.Public:
				cell = "anyone"
			case rule.Grants[role] == access.Own:
				cell = "own"
			case rule.Grants[role] == access.Everywhere:
				cell = "all"
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestRulesTableCoversEveryAction checks the generator against the rule
// table's own invariants, so that a new Reach cannot slip through as "—".
func TestRulesTableCoversEveryAction(t *testing.T) {
	for _, rule := range access.Rules {
		for role, reach := range rule.Grants {
			if reach != access.Denied && reach != access.Own && reach != access.Everywhere {
				t.Errorf("%s: %s has reach %d, which the docs table cannot show", rule.Action, role, reach)
			}
		}
		if strings.Contains(rule.ZH+rule.EN, "|") {
			t.Errorf("%s: a description holds |, which breaks the table", rule.Action)
		}
	}
}
