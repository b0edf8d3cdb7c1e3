package web

import (
	"net/http"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/tabular"
)

// importView is the import screen (数据导入): the kinds the user may
// import, each with its templates and columns, and the one chosen.
type importView struct {
	Kinds  []importKind
	Chosen importKind
}

// importKind is one kind of file as the screen offers it.
type importKind struct {
	Kind    string
	ZH, EN  string
	Key     []string
	Columns []tabular.Column
}

// importPage shows the upload form; the check, the preview, the
// confirmation and the progress of a commit run in the browser over the
// JSON API (/api/imports), which decides every row against the rules.
func (h *handler) importPage(w http.ResponseWriter, r *http.Request) {
	who := access.FromContext(r.Context())
	var v importView
	for _, s := range importer.Specs() {
		if !who.Can(s.Action) {
			continue
		}
		k := importKind{Kind: string(s.Kind), ZH: s.ZH, EN: s.EN, Key: s.Key, Columns: s.Columns}
		v.Kinds = append(v.Kinds, k)
		if k.Kind == r.URL.Query().Get("kind") || v.Chosen.Kind == "" {
			v.Chosen = k
		}
	}
	h.render(w, r, "import", h.newPage(r, "import", "import.title", v))
}
