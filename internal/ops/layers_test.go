package ops_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// storeWrites are the store's methods that change data. The surfaces
// (api, web, cli) must reach them only through a use case in this
// package, where the principal is taken and, later, the permission
// checked; the store's reads they may call directly.
var storeWrites = map[string]bool{
	"Post": true, "SaveIncident": true, "CreatePlan": true, "ActOnPlan": true, "ReplacePlan": true,
	"CreateTransferOrder": true, "ExecuteTransferOrder": true, "CancelTransferOrder": true,
	"CreateRecommendation": true, "ApproveRecommendation": true, "CancelRecommendation": true,
	"SaveReadinessConfig": true, "SaveScenario": true, "PromiseReserve": true,
	"CreateItem": true, "CreateArea": true, "CreateOrg": true, "CreateDepot": true,
	"CreateAgreement": true, "CreateCapacity": true, "PutCategory": true,
	"CreateCategory": true, "UpdateCategory": true, "SetCategoryRetired": true, "UpdateItem": true,
	"SetItemRetired": true, "UpdateArea": true, "SetAreaRetired": true, "UpdateOrg": true, "SetOrgRetired": true,
	"UpdateDepot": true, "SetDepotRetired": true, "UpdateAgreement": true, "SetAgreementRetired": true,
	"UpdateCapacity": true, "SetCapacityRetired": true,
}

// TestSurfacesChangeDataThroughUseCases reads the surfaces' source and
// fails on any call of a store write method on a store value: a field
// named store, a Store() call, or a variable declared as *store.Store.
// (Loading the demo and migrating are the store's own jobs, called by the
// CLI's demo, migrate and serve wiring: InstallCatalogue, Migrate and
// demo.Load are not in the list.)
func TestSurfacesChangeDataThroughUseCases(t *testing.T) {
	for _, dir := range []string{"../api", "../web", "../cli"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			checkFile(t, path)
		}
	}
}

func checkFile(t *testing.T, path string) {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]bool{} // identifiers declared *store.Store
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			if isStoreType(n.Type) {
				for _, name := range n.Names {
					stores[name.Name] = true
				}
			}
		case *ast.ValueSpec:
			if isStoreType(n.Type) {
				for _, name := range n.Names {
					stores[name.Name] = true
				}
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !storeWrites[sel.Sel.Name] || !isStore(sel.X, stores) {
			return true
		}
		t.Errorf("%s: %s calls the store's %s directly; go through a use case in internal/ops",
			fset.Position(call.Pos()), path, sel.Sel.Name)
		return true
	})
}

func isStoreType(e ast.Expr) bool {
	star, ok := e.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Store" && isIdent(sel.X, "store")
}

// isStore reports whether e is a store value: h.store, x.Store(), or an
// identifier declared *store.Store.
func isStore(e ast.Expr, stores map[string]bool) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return stores[e.Name]
	case *ast.SelectorExpr:
		return e.Sel.Name == "store"
	case *ast.CallExpr:
		sel, ok := e.Fun.(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "Store"
	}
	return false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
