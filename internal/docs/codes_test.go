package docs_test

// TestErrorCodesDocumented keeps docs/errors.md and the code in step. It
// reads every non-test .go file of the repository, finds each error code the
// program can produce, and compares that set with the codes documented in
// docs/errors.md, in both directions.
//
// A code is found wherever its string reaches an apperr.Error's Code:
//   - a composite literal apperr.Error{Code: "x.y"} (or Error{...} inside
//     package apperr), and an assignment e.Code = "x.y";
//   - an argument of a function whose parameter ends up as a Code, followed
//     through any number of helpers: apperr.New(kind, "x.y", ...),
//     apperr.NotFoundf("lot", ...) (which makes "lot.not_found", because
//     NotFoundf builds what + ".not_found"), a package's own
//     invalid("x.y", ...) or restateConflict(err, false, "x.y", ...);
//   - through string constants and local variables assigned string
//     literals.
//
// An expression it cannot read (a code computed by fmt.Sprintf, say) fails
// the test with its place, rather than being skipped silently. Run with -v
// to list every code found and where.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// codeRE is the shape of an error code: lower-case words joined by dots.
var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

func TestErrorCodesDocumented(t *testing.T) {
	root := repoRoot(t)
	found, problems := scanCodes(t, root)
	if len(found) == 0 {
		t.Fatal("found no error codes at all: the scan is broken")
	}
	for _, p := range problems {
		t.Errorf("%s", p)
	}

	docPath := filepath.Join(root, "docs", "errors.md")
	documented, err := documentedCodes(docPath)
	if err != nil {
		t.Fatal(err)
	}

	codes := sortedKeys(found)
	if testing.Verbose() {
		for _, c := range codes {
			t.Logf("%-40s %s", c, strings.Join(found[c].places, ", "))
		}
		t.Logf("%d codes in the code, %d in docs/errors.md", len(found), len(documented))
	}

	var missing []string
	for _, c := range codes {
		if _, ok := documented[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "docs/errors.md does not document %d error code(s) the code can return.\n", len(missing))
		b.WriteString("Add a row for each to the table of its group (the first cell is the code in backticks):\n\n")
		for _, c := range missing {
			f := found[c]
			fmt.Fprintf(&b, "| `%s` | %s | 中文说明 | English meaning |\n", c, f.status())
			fmt.Fprintf(&b, "    ↑ made at %s\n", strings.Join(f.places, ", "))
		}
		t.Error(b.String())
	}

	var stale []string
	for _, c := range sortedKeys(documented) {
		if _, ok := found[c]; !ok {
			stale = append(stale, c)
		}
	}
	if len(stale) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "docs/errors.md documents %d error code(s) that no code produces any more.\n", len(stale))
		b.WriteString("Remove their rows (or, if the code is made in a way this test cannot read, extend codes_test.go):\n\n")
		for _, c := range stale {
			fmt.Fprintf(&b, "  `%s` (docs/errors.md line %d)\n", c, documented[c])
		}
		t.Error(b.String())
	}
}

// documentedCodes returns the codes that docs/errors.md documents, with the
// line of each: every code in backticks in the first cell of a table row.
func documentedCodes(file string) (map[string]int, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	tick := regexp.MustCompile("`([^`]+)`")
	out := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range tick.FindAllStringSubmatch(cells[1], -1) {
			if codeRE.MatchString(m[1]) {
				if prev, dup := out[m[1]]; dup {
					return nil, fmt.Errorf("docs/errors.md: code %q is listed twice (lines %d and %d)", m[1], prev, i+1)
				}
				out[m[1]] = i + 1
			}
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ---- the scan ----

// foundCode is one code with the places that make it and the HTTP
// statuses seen with it, where the scan could tell.
type foundCode struct {
	places   []string
	statuses []string
}

// status is the HTTP status for the hint in a failure message.
func (f *foundCode) status() string {
	if len(f.statuses) == 0 {
		return "<HTTP status>"
	}
	out := slices.Clone(f.statuses)
	sort.Strings(out)
	return strings.Join(out, " / ")
}

// httpStatuses maps net/http's status constants to their numbers, for the
// statuses apperr.Kind.HTTPStatus and the handlers name.
var httpStatuses = map[string]string{
	"StatusBadRequest": "400", "StatusUnauthorized": "401", "StatusForbidden": "403", "StatusNotFound": "404",
	"StatusMethodNotAllowed": "405", "StatusNotAcceptable": "406", "StatusRequestTimeout": "408",
	"StatusConflict": "409", "StatusGone": "410", "StatusPreconditionFailed": "412",
	"StatusRequestEntityTooLarge": "413", "StatusUnsupportedMediaType": "415", "StatusMisdirectedRequest": "421",
	"StatusUnprocessableEntity": "422", "StatusPreconditionRequired": "428", "StatusTooManyRequests": "429",
	"StatusInternalServerError": "500", "StatusNotImplemented": "501", "StatusBadGateway": "502",
	"StatusServiceUnavailable": "503", "StatusGatewayTimeout": "504",
}

// statusName turns http.StatusX into its number (or its name, if unknown).
func statusName(e ast.Expr) string {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "http" || !strings.HasPrefix(sel.Sel.Name, "Status") {
		return ""
	}
	if n, ok := httpStatuses[sel.Sel.Name]; ok {
		return n
	}
	return "http." + sel.Sel.Name
}

// xform says how a parameter's value becomes a code: prefix + value +
// suffix. The error's kind is kind if known, else the argument at
// kindParam if that is not -1.
type xform struct {
	prefix, suffix, kind string
	kindParam            int
}

// value is what an expression resolves to: a literal string, a
// transformation of one of the function's parameters, or nothing readable.
type value struct {
	lit      string
	isLit    bool
	param    int // index of the parameter, if !isLit and ok
	x        xform
	ok       bool
	passthru bool // copies a code from another error (e.Code): not a new code
}

type pkgInfo struct {
	dir    string // relative to the root, slash-separated
	consts map[string]string
	funcs  map[string]*ast.FuncDecl // functions by name; methods under "." + name
	// decls are all the package's functions and methods: funcs keeps one
	// method of a name, and two types may each have one (User.Validate,
	// Token.Validate), so the passes walk decls.
	decls []*ast.FuncDecl
	files map[*ast.FuncDecl]*fileInfo
}

type fileInfo struct {
	rel     string
	pkg     *pkgInfo
	imports map[string]string // local name → package dir relative to the root
}

type funcRef struct {
	pkg  string
	name string // "." + name for methods
}

type scanner struct {
	kinds     map[string]string   // apperr.Kind constant → HTTP status ("" if none)
	litStatus map[ast.Node]string // apperr.Error literal → status given beside it
	fset      *token.FileSet
	pkgs      map[string]*pkgInfo
	params    map[funcRef]map[int][]xform // code-making parameters
	found     map[string]*foundCode
	unread    map[string]string // place → expression the scan could not read
	badCode   map[string]string // place → literal that is not a code
}

func scanCodes(t *testing.T, root string) (map[string]*foundCode, []string) {
	t.Helper()
	module := modulePath(t, root)
	s := &scanner{fset: token.NewFileSet(), pkgs: map[string]*pkgInfo{}, params: map[funcRef]map[int][]xform{},
		kinds: map[string]string{}, litStatus: map[ast.Node]string{}}
	var files []*ast.File
	var infos []*fileInfo
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(s.fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		dir := path.Dir(rel)
		pk := s.pkgs[dir]
		if pk == nil {
			pk = &pkgInfo{dir: dir, consts: map[string]string{}, funcs: map[string]*ast.FuncDecl{}, files: map[*ast.FuncDecl]*fileInfo{}}
			s.pkgs[dir] = pk
		}
		fi := &fileInfo{rel: rel, pkg: pk, imports: map[string]string{}}
		for _, im := range f.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			if ip != module && !strings.HasPrefix(ip, module+"/") {
				continue
			}
			local := path.Base(ip)
			if im.Name != nil {
				local = im.Name.Name
			}
			fi.imports[local] = strings.TrimPrefix(strings.TrimPrefix(ip, module), "/")
			if fi.imports[local] == "" {
				fi.imports[local] = "."
			}
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				if d.Tok == token.CONST {
					collectConsts(d, pk.consts)
					if dir == "internal/apperr" {
						collectKinds(d, s.kinds)
					}
				}
			case *ast.FuncDecl:
				key := funcKey(d)
				pk.funcs[key] = d
				pk.decls = append(pk.decls, d)
				pk.files[d] = fi
			}
		}
		files = append(files, f)
		infos = append(infos, fi)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.kinds) == 0 {
		t.Fatal("found no apperr.Kind constants: the scan is broken")
	}
	s.readStatuses()

	// Find the code-making parameters until nothing changes, then read the
	// codes in a last pass.
	for round := 0; ; round++ {
		if round > 50 {
			t.Fatal("the scan does not settle")
		}
		before := s.paramCount()
		s.pass(false)
		if s.paramCount() == before {
			break
		}
	}
	s.pass(true)

	var problems []string
	for _, place := range sortedKeys(s.unread) {
		problems = append(problems, fmt.Sprintf("%s: cannot tell which error code %s makes; write the code as a string literal "+
			"or a string constant (or pass one to a helper's parameter), or teach internal/docs/codes_test.go to read it", place, s.unread[place]))
	}
	for _, place := range sortedKeys(s.badCode) {
		problems = append(problems, fmt.Sprintf("%s: %q is used as an error code but is not lower-case words joined by dots", place, s.badCode[place]))
	}
	return s.found, problems
}

func modulePath(t *testing.T, root string) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return f[1]
		}
	}
	t.Fatal("go.mod names no module")
	return ""
}

func collectConsts(d *ast.GenDecl, into map[string]string) {
	for _, spec := range d.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for i, n := range vs.Names {
			if i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if v, err := strconv.Unquote(lit.Value); err == nil {
						into[n.Name] = v
					}
				}
			}
		}
	}
}

// collectKinds records the constants of a const block of type Kind.
func collectKinds(d *ast.GenDecl, into map[string]string) {
	isKind := false
	for _, spec := range d.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok {
			continue
		}
		if id, ok := vs.Type.(*ast.Ident); ok {
			isKind = id.Name == "Kind"
		}
		if isKind {
			for _, n := range vs.Names {
				into[n.Name] = ""
			}
		}
	}
}

// readStatuses reads the HTTP status of each kind from Kind.HTTPStatus, and
// the status written beside an apperr.Error literal in a handler's call
// (h.writeError(w, r, http.StatusServiceUnavailable, &apperr.Error{...})).
func (s *scanner) readStatuses() {
	for _, pk := range s.pkgs {
		for _, fd := range pk.decls {
			if fd.Body == nil {
				continue
			}
			if pk.dir == "internal/apperr" && funcKey(fd) == ".HTTPStatus" {
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					cc, ok := n.(*ast.CaseClause)
					if !ok || len(cc.Body) == 0 {
						return true
					}
					ret, ok := cc.Body[0].(*ast.ReturnStmt)
					if !ok || len(ret.Results) != 1 {
						return true
					}
					for _, e := range cc.List {
						if id, ok := e.(*ast.Ident); ok {
							s.kinds[id.Name] = statusName(ret.Results[0])
						}
					}
					return true
				})
			}
			fi := pk.files[fd]
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				status := ""
				for _, a := range call.Args {
					if st := statusName(a); st != "" {
						status = st
					}
				}
				if status == "" {
					return true
				}
				for _, a := range call.Args {
					if u, ok := a.(*ast.UnaryExpr); ok {
						a = u.X
					}
					if cl, ok := a.(*ast.CompositeLit); ok && s.isErrorType(fi, cl.Type) {
						s.litStatus[cl] = status
					}
				}
				return true
			})
		}
	}
}

func (s *scanner) paramCount() int {
	n := 0
	for _, m := range s.params {
		for _, xs := range m {
			n += len(xs)
		}
	}
	return n
}

// pass walks every function and records what reaches a Code: parameters
// always, literal codes only when record is set.
func (s *scanner) pass(record bool) {
	if record {
		s.found = map[string]*foundCode{}
		s.unread = map[string]string{}
		s.badCode = map[string]string{}
	}
	for _, pk := range s.pkgs {
		for _, fd := range pk.decls {
			if fd.Body == nil {
				continue
			}
			fi := pk.files[fd]
			self := funcRef{pk.dir, funcKey(fd)}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					if s.isErrorType(fi, n.Type) {
						kind := xform{kindParam: -1}
						var codeExpr ast.Expr
						for _, el := range n.Elts {
							kv, ok := el.(*ast.KeyValueExpr)
							if !ok {
								continue
							}
							k, _ := kv.Key.(*ast.Ident)
							switch {
							case k == nil:
							case k.Name == "Code":
								codeExpr = kv.Value
							case k.Name == "Kind":
								kind = s.kindOf(fd, fi, kv.Value)
							}
						}
						if st, ok := s.litStatus[n]; ok {
							kind = xform{kind: "http:" + st, kindParam: -1}
						}
						if codeExpr != nil {
							s.sink(record, self, fd, fi, codeExpr, kind)
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						if sel, ok := lhs.(*ast.SelectorExpr); ok && sel.Sel.Name == "Code" && i < len(n.Rhs) && len(n.Lhs) == len(n.Rhs) {
							// Only literal codes: other structs have Code fields too.
							v := s.resolve(fd, fi, n.Rhs[i], 0)
							if v.ok && v.isLit && strings.Contains(v.lit, ".") && codeRE.MatchString(v.lit) {
								s.sink(record, self, fd, fi, n.Rhs[i], xform{kindParam: -1})
							}
						}
					}
				case *ast.CallExpr:
					for _, ref := range s.callee(fi, n.Fun) {
						for idx, xs := range s.params[ref] {
							if idx >= len(n.Args) {
								continue
							}
							for _, x := range xs {
								if x.kindParam >= 0 {
									k := xform{kindParam: -1}
									if x.kindParam < len(n.Args) {
										k = s.kindOf(fd, fi, n.Args[x.kindParam])
									}
									x.kind, x.kindParam = k.kind, k.kindParam
								}
								s.sink(record, self, fd, fi, n.Args[idx], x)
							}
						}
					}
				}
				return true
			})
		}
	}
}

// sink handles an expression whose value becomes a code as x says.
func (s *scanner) sink(record bool, self funcRef, fd *ast.FuncDecl, fi *fileInfo, e ast.Expr, x xform) {
	if id, ok := e.(*ast.Ident); ok && paramIndex(fd, id.Name) < 0 {
		if vals := localValues(fd, id.Name); len(vals) > 1 {
			for _, ve := range vals {
				s.sink(record, self, fd, fi, ve, x)
			}
			return
		}
	}
	v := s.resolve(fd, fi, e, 0)
	place := fmt.Sprintf("%s:%d", fi.rel, s.fset.Position(e.Pos()).Line)
	switch {
	case v.passthru:
	case !v.ok:
		if record {
			s.unread[place] = "the expression " + exprString(s.fset, e)
		}
	case v.isLit:
		if !record {
			return
		}
		code := x.prefix + v.lit + x.suffix
		if !codeRE.MatchString(code) {
			s.badCode[place] = code
			return
		}
		f := s.found[code]
		if f == nil {
			f = &foundCode{}
			s.found[code] = f
		}
		if !slices.Contains(f.places, place) {
			f.places = append(f.places, place)
		}
		st, isHTTP := strings.CutPrefix(x.kind, "http:")
		if !isHTTP {
			st = s.kinds[x.kind]
		}
		if st != "" && !slices.Contains(f.statuses, st) {
			f.statuses = append(f.statuses, st)
		}
	default:
		nx := xform{prefix: x.prefix + v.x.prefix, suffix: v.x.suffix + x.suffix, kind: x.kind, kindParam: x.kindParam}
		m := s.params[self]
		if m == nil {
			m = map[int][]xform{}
			s.params[self] = m
		}
		if !slices.Contains(m[v.param], nx) {
			m[v.param] = append(m[v.param], nx)
		}
	}
}

// resolve reads a string expression inside fd.
func (s *scanner) resolve(fd *ast.FuncDecl, fi *fileInfo, e ast.Expr, depth int) value {
	if depth > 10 {
		return value{}
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return s.resolve(fd, fi, e.X, depth+1)
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			if v, err := strconv.Unquote(e.Value); err == nil {
				return value{lit: v, isLit: true, ok: true}
			}
		}
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return value{}
		}
		l, r := s.resolve(fd, fi, e.X, depth+1), s.resolve(fd, fi, e.Y, depth+1)
		switch {
		case !l.ok || !r.ok:
		case l.isLit && r.isLit:
			return value{lit: l.lit + r.lit, isLit: true, ok: true}
		case !l.isLit && r.isLit:
			l.x.suffix += r.lit
			return l
		case l.isLit && !r.isLit:
			r.x.prefix = l.lit + r.x.prefix
			return r
		}
	case *ast.Ident:
		if i := paramIndex(fd, e.Name); i >= 0 {
			return value{param: i, ok: true}
		}
		if vals := localValues(fd, e.Name); len(vals) > 0 {
			// A local variable given one value reads as that value; one
			// given several is read by the caller, value by value.
			if len(vals) == 1 {
				return s.resolve(fd, fi, vals[0], depth+1)
			}
			return value{}
		}
		if v, ok := localConst(fd, e.Name); ok {
			return value{lit: v, isLit: true, ok: true}
		}
		if v, ok := fi.pkg.consts[e.Name]; ok {
			return value{lit: v, isLit: true, ok: true}
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if dir, ok := fi.imports[x.Name]; ok {
				if pk := s.pkgs[dir]; pk != nil {
					if v, ok := pk.consts[e.Sel.Name]; ok {
						return value{lit: v, isLit: true, ok: true}
					}
				}
				return value{}
			}
		}
		if e.Sel.Name == "Code" {
			return value{passthru: true, ok: true}
		}
	}
	return value{}
}

// paramIndex is the position of the parameter called name, or -1.
func paramIndex(fd *ast.FuncDecl, name string) int {
	i := 0
	for _, f := range fd.Type.Params.List {
		if len(f.Names) == 0 {
			i++
			continue
		}
		for _, n := range f.Names {
			if n.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

// localValues lists the expressions assigned to a local variable name.
func localValues(fd *ast.FuncDecl, name string) []ast.Expr {
	var out []ast.Expr
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					out = append(out, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if id.Name == name && i < len(n.Values) {
					out = append(out, n.Values[i])
				}
			}
		}
		return true
	})
	return out
}

// localConst is the value of a string constant declared inside fd.
func localConst(fd *ast.FuncDecl, name string) (string, bool) {
	consts := map[string]string{}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if d, ok := n.(*ast.GenDecl); ok && d.Tok == token.CONST {
			collectConsts(d, consts)
		}
		return true
	})
	v, ok := consts[name]
	return v, ok
}

// isErrorType reports whether a composite literal's type is apperr.Error.
func (s *scanner) isErrorType(fi *fileInfo, e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return fi.pkg.dir == "internal/apperr" && e.Name == "Error"
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && e.Sel.Name == "Error" && fi.imports[x.Name] == "internal/apperr"
	}
	return false
}

// kindOf reads an expression of type apperr.Kind: one of its constants, or
// a parameter of fd.
func (s *scanner) kindOf(fd *ast.FuncDecl, fi *fileInfo, e ast.Expr) xform {
	switch e := e.(type) {
	case *ast.Ident:
		if _, isKind := s.kinds[e.Name]; isKind && fi.pkg.dir == "internal/apperr" {
			return xform{kind: e.Name, kindParam: -1}
		}
		if i := paramIndex(fd, e.Name); i >= 0 {
			return xform{kindParam: i}
		}
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if _, isKind := s.kinds[e.Sel.Name]; isKind && ok && fi.imports[x.Name] == "internal/apperr" {
			return xform{kind: e.Sel.Name, kindParam: -1}
		}
	}
	return xform{kindParam: -1}
}

// callee names the functions a call may reach: a function of the same
// package, a function of an imported package of the module, or a method
// (looked for in the same package first, then in every package).
func (s *scanner) callee(fi *fileInfo, fun ast.Expr) []funcRef {
	switch f := fun.(type) {
	case *ast.ParenExpr:
		return s.callee(fi, f.X)
	case *ast.IndexExpr:
		return s.callee(fi, f.X)
	case *ast.IndexListExpr:
		return s.callee(fi, f.X)
	case *ast.Ident:
		return []funcRef{{fi.pkg.dir, f.Name}}
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			if dir, ok := fi.imports[x.Name]; ok {
				return []funcRef{{dir, f.Sel.Name}}
			}
		}
		method := "." + f.Sel.Name
		if _, ok := fi.pkg.funcs[method]; ok {
			return []funcRef{{fi.pkg.dir, method}}
		}
		var out []funcRef
		for dir, pk := range s.pkgs {
			if _, ok := pk.funcs[method]; ok {
				out = append(out, funcRef{dir, method})
			}
		}
		return out
	}
	return nil
}

// funcKey is how a function is named in pkgInfo.funcs and funcRef: its
// name, or "." and its name for a method.
func funcKey(d *ast.FuncDecl) string {
	if d.Recv != nil {
		return "." + d.Name.Name
	}
	return d.Name.Name
}

func exprString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	if err := printer.Fprint(&b, fset, e); err != nil {
		return fmt.Sprintf("%T", e)
	}
	return b.String()
}

// TestScanReadsEveryForm runs the scan over a small made-up module holding
// each way the code base writes an error code, so that a change to the
// scan that stops reading one of them fails here and not silently.
func TestScanReadsEveryForm(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.26\n",
		"internal/apperr/apperr.go": `package apperr
type Kind int
const (
	Invalid Kind = iota + 1
	NotFound
	Conflict
)
func (k Kind) HTTPStatus() int {
	switch k {
	case Invalid:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	}
	return 0
}
type Error struct{ Kind Kind; Code string }
func New(kind Kind, code, zh, en string, args ...any) *Error { return &Error{Kind: kind, Code: code} }
func NotFoundf(what, whatZH, key string) *Error { return &Error{Kind: NotFound, Code: what + ".not_found"} }
func Required(field, zh, en string) *Error { return &Error{Kind: Invalid, Code: "field.required"} }
`,
		"internal/x/x.go": `package x
import (
	"fmt"
	"net/http"
	ae "example.com/m/internal/apperr"
)
const codeConst = "x.from_const"
func invalid(code, field string) error { return ae.New(ae.Invalid, code, "", "") }
func restate(err error, code string) error { return &ae.Error{Kind: ae.Conflict, Code: code} }
func notFound(what string) error { return ae.NotFoundf(what, "", "") }
type store struct{}
func (s *store) exists(what string) error { return &ae.Error{Kind: ae.Conflict, Code: what + ".exists"} }
func f(s *store, w http.ResponseWriter, n int) []error {
	code := "x.first"
	if n > 1 {
		code = "x.second"
	}
	return []error{
		ae.New(ae.Invalid, "x.literal", "", ""),
		invalid("x.helper", "f"),
		restate(nil, "x.restated"),
		notFound("thing"),
		s.exists("lot"),
		ae.New(ae.Conflict, codeConst, "", ""),
		ae.New(ae.Invalid, code, "", ""),
		&ae.Error{Code: "x.composite"},
		writeError(w, http.StatusServiceUnavailable, &ae.Error{Code: "x.unavailable"}),
		ae.New(ae.Invalid, fmt.Sprintf("x.%d", n), "", ""),
	}
}
func writeError(w http.ResponseWriter, status int, e *ae.Error) error { return e }
type user struct{}
type token struct{}
func (u *user) Validate() error { return ae.New(ae.Invalid, "x.user_method", "", "") }
func (t *token) Validate() error { return ae.New(ae.Invalid, "x.token_method", "", "") }
`,
	}
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	found, problems := scanCodes(t, root)
	want := map[string]string{
		"field.required": "400", "x.literal": "400", "x.helper": "400", "x.restated": "409",
		"thing.not_found": "404", "lot.exists": "409", "x.from_const": "409", "x.first": "400",
		"x.second": "400", "x.composite": "<HTTP status>", "x.unavailable": "503",
		"x.user_method": "400", "x.token_method": "400", // two methods of one name
	}
	for code, status := range want {
		f, ok := found[code]
		if !ok {
			t.Errorf("the scan missed %s", code)
			continue
		}
		if got := f.status(); got != status {
			t.Errorf("%s: status %s, want %s", code, got, status)
		}
	}
	for code := range found {
		if _, ok := want[code]; !ok {
			t.Errorf("the scan found %s, which the module does not make", code)
		}
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "internal/x/x.go") || !strings.Contains(problems[0], "fmt.Sprintf") {
		t.Errorf("want one problem, the fmt.Sprintf code in internal/x/x.go; got %q", problems)
	}
}
