package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Before it applies a chunk of lines, a poster reads what they refer to —
// items, depots with their areas, lots, and the stock of every (depot,
// item) they touch — in a few multi-row SELECTs. Looking each up on first
// use cost a 1,000-line posting some 1,600 single-row statements (a FEFO
// pick read its depot's lots of the item, a named lot its lot and its
// balance, a receipt inserted its lot and read its id back): in a CPU
// profile of bench/ledger on SQLite, half of a posting's time, and on
// PostgreSQL a round trip each. What the prefetch does not find is looked
// up again, one at a time, by the line that needs it, which reports it
// missing as before.

// codesPerSelect bounds the codes one lookup names, as a power of two.
const codesPerSelect = 256

func (pp *poster) prefetch(ctx context.Context, lines []stock.Line) error {
	items, depots, lots := newCodeSet(), newCodeSet(), newCodeSet()
	pp.receipts = 0
	for _, l := range lines {
		if _, ok := pp.items[l.Item]; !ok {
			items.add(l.Item)
		}
		for _, d := range [...]string{l.Depot, l.ToDepot} {
			if _, ok := pp.depots[d]; !ok && d != "" {
				depots.add(d)
			}
		}
		for _, c := range [...]string{l.Lot, newLotCode(l)} {
			if _, ok := pp.lots[c]; !ok && c != "" && !pp.absent[c] {
				lots.add(c)
			}
		}
		if l.NewLot != nil {
			pp.receipts++
		}
	}
	if err := pp.loadItems(ctx, items.codes); err != nil {
		return err
	}
	if err := pp.loadDepots(ctx, depots.codes); err != nil {
		return err
	}
	if err := pp.loadLots(ctx, lots.codes); err != nil {
		return err
	}
	if err := pp.bal.load(ctx, pp.stockKeys(lines)); err != nil {
		return err
	}
	return pp.bal.loadLots(ctx, pp.lotKeys(lines))
}

func newLotCode(l stock.Line) string {
	if l.NewLot == nil {
		return ""
	}
	return l.NewLot.Code
}

// stockKeys lists the (depot, item) pairs whose lots FEFO picks from:
// the depot of an issue or transfer that names no lot, and a transfer's
// destination, where the picked lots arrive. Lines that name their lot
// need that lot's balance only (lotKeys); a receipt of a new lot, nothing.
// Reading every lot of the item at the depot for each line cost a quarter
// of a posting's time.
func (pp *poster) stockKeys(lines []stock.Line) []stockKey {
	keys := make([]stockKey, 0, len(lines))
	for _, l := range lines {
		it, ok := pp.items[l.Item]
		if !ok || l.Lot != "" || l.NewLot != nil {
			continue
		}
		for _, code := range [...]string{l.Depot, l.ToDepot} {
			if d, ok := pp.depots[code]; ok && code != "" {
				keys = append(keys, stockKey{d.id, it.ID})
			}
		}
	}
	return keys
}

// lotKeys lists the balances of the lots that lines name, at the line's
// depot and, for a transfer, at its destination.
func (pp *poster) lotKeys(lines []stock.Line) []heldKey {
	keys := make([]heldKey, 0, len(lines))
	for _, l := range lines {
		lot, ok := pp.lots[l.Lot]
		it, ok2 := pp.items[l.Item]
		if !ok || !ok2 || lot.ItemCode != it.Code {
			continue
		}
		for _, code := range [...]string{l.Depot, l.ToDepot} {
			if d, ok := pp.depots[code]; ok && code != "" {
				keys = append(keys, heldKey{balanceKey{d.id, lot.ID}, lot, it.ID})
			}
		}
	}
	return keys
}

// codeSet is a list of distinct codes.
type codeSet struct {
	seen  map[string]bool
	codes []string
}

func newCodeSet() *codeSet { return &codeSet{seen: map[string]bool{}} }

func (c *codeSet) add(code string) {
	if !c.seen[code] {
		c.seen[code] = true
		c.codes = append(c.codes, code)
	}
}

// inChunks calls fn with the codes in slices whose lengths are powers of
// two up to codesPerSelect, so that few statement texts occur, and "?, ?…"
// to match.
func inChunks(codes []string, fn func(marks string, args []any) error) error {
	for len(codes) > 0 {
		n := codesPerSelect
		for n > len(codes) {
			n /= 2
		}
		args := make([]any, n)
		for i, c := range codes[:n] {
			args[i] = c
		}
		if err := fn(placeholders(n), args); err != nil {
			return err
		}
		codes = codes[n:]
	}
	return nil
}

func (pp *poster) loadItems(ctx context.Context, codes []string) error {
	return inChunks(codes, func(marks string, args []any) error {
		rows, err := pp.s.query(ctx, `SELECT `+itemColumns+` FROM items WHERE code IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: items: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				return fmt.Errorf("store: items: %w", err)
			}
			pp.items[it.Code] = it
		}
		return rows.Err()
	})
}

func (pp *poster) loadLots(ctx context.Context, codes []string) error {
	for _, c := range codes {
		pp.absent[c] = true
	}
	return inChunks(codes, func(marks string, args []any) error {
		rows, err := pp.s.query(ctx, `SELECT `+lotColumns+lotFrom+`WHERE l.code IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: lots: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanLot(rows)
			if err != nil {
				return fmt.Errorf("store: lots: %w", err)
			}
			pp.lots[l.Code] = l
			delete(pp.absent, l.Code)
		}
		return rows.Err()
	})
}

// loadDepots reads depots and the ids of their areas and every ancestor
// area, whose stock totals change with the depot's.
func (pp *poster) loadDepots(ctx context.Context, codes []string) error {
	paths := map[string]string{} // depot code → its area's path
	err := inChunks(codes, func(marks string, args []any) error {
		rows, err := pp.s.query(ctx, `SELECT d.id, d.org_id, d.code, d.retired_at, a.path, o.code, d.tier, d.role FROM depots d
			JOIN areas a ON a.id = d.area_id JOIN orgs o ON o.id = d.org_id WHERE d.code IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: depots: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var d depotRef
			var path, tier, role string
			if err := rows.Scan(&d.id, &d.orgID, &d.code, &d.retiredAt, &path, &d.place.Org, &tier, &role); err != nil {
				return fmt.Errorf("store: depots: %w", err)
			}
			d.place.Depot, d.place.AreaPath = d.code, tierPath(path, tier)
			if role != roleDepot { // a site or a shipment: no area totals, which count reserves
				d.areas = []int64{}
				pp.areas[d.id] = d.areas
			} else {
				paths[d.code] = path
			}
			pp.depots[d.code] = d
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	if err := pp.loadAreas(ctx, paths); err != nil {
		return err
	}
	for code, path := range paths {
		d := pp.depots[code]
		for _, p := range ancestorPaths(path) {
			d.areas = append(d.areas, pp.pathID[p])
		}
		pp.depots[code] = d
		pp.areas[d.id] = d.areas
	}
	return nil
}

// loadAreas reads the ids of the areas on the given paths and their
// ancestors.
func (pp *poster) loadAreas(ctx context.Context, paths map[string]string) error {
	todo := newCodeSet()
	for _, path := range paths {
		for _, p := range ancestorPaths(path) {
			if _, ok := pp.pathID[p]; !ok {
				todo.add(p)
			}
		}
	}
	err := inChunks(todo.codes, func(marks string, args []any) error {
		rows, err := pp.s.query(ctx, `SELECT id, path FROM areas WHERE path IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: areas: %w", err)
		}
		_, err = collect(rows, func(r *sql.Rows) (struct{}, error) {
			var id int64
			var p string
			err := r.Scan(&id, &p)
			pp.pathID[p] = id
			return struct{}{}, err
		})
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range todo.codes {
		if _, ok := pp.pathID[p]; !ok {
			return fmt.Errorf("store: areas: no area on path %q", p)
		}
	}
	return nil
}

// ancestorPaths returns the paths of an area and its ancestors, root
// first: "110000/110100/" gives "110000/" and "110000/110100/".
func ancestorPaths(path string) []string {
	var out []string
	for i := strings.IndexByte(path, '/'); i >= 0; {
		out = append(out, path[:i+1])
		j := strings.IndexByte(path[i+1:], '/')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return out
}
