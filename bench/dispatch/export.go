package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"

	"github.com/stockpile-dev/stockpile/internal/alloc"
)

// This file writes an alloc.Network for the reference solvers: DIMACS
// min-cost flow for LEMON, CPLEX LP for glpsol. Both get the same nodes,
// arcs and integer costs; nodes are numbered from 1 and arc k is
// variable x<k+1>.

// bound is a capacity that no flow can reach, for formats that want one:
// the total supply plus one.
func bound(nw *alloc.Network) int64 {
	var total int64 = 1
	for _, b := range nw.Supply {
		if b > 0 {
			total += b
		}
	}
	return total
}

// writeFile creates path and writes it with fn through a buffer.
func writeFile(path string, fn func(w *bufio.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fn(w); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// writeDIMACS writes nw as a DIMACS "p min" problem: n lines for non-zero
// supplies, then one "a from to 0 cap cost" line per arc.
func writeDIMACS(w *bufio.Writer, nw *alloc.Network) error {
	fmt.Fprintf(w, "c stockpile dispatch bench: %d item components\n", nw.Components)
	fmt.Fprintf(w, "p min %d %d\n", len(nw.Supply), len(nw.From))
	var buf []byte
	for u, b := range nw.Supply {
		if b != 0 {
			buf = append(buf[:0], "n "...)
			buf = strconv.AppendInt(buf, int64(u+1), 10)
			buf = append(buf, ' ')
			buf = strconv.AppendInt(buf, b, 10)
			buf = append(buf, '\n')
			w.Write(buf)
		}
	}
	capTail := " 0 " + strconv.FormatInt(bound(nw), 10) + " "
	for k := range nw.From {
		buf = append(buf[:0], "a "...)
		buf = strconv.AppendInt(buf, int64(nw.From[k])+1, 10)
		buf = append(buf, ' ')
		buf = strconv.AppendInt(buf, int64(nw.To[k])+1, 10)
		buf = append(buf, capTail...)
		buf = strconv.AppendInt(buf, nw.Cost[k], 10)
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// writeLP writes nw as an LP in CPLEX LP format: minimise Σ cost×x subject
// to, per node, outflow − inflow = supply, x ≥ 0 (the default bound).
// Every variable appears in the objective, in order, so that glpsol's
// column k is arc k.
func writeLP(w *bufio.Writer, nw *alloc.Network) error {
	fmt.Fprintf(w, "\\ stockpile dispatch bench: %d item components\nMinimize\n obj:", nw.Components)
	var buf []byte
	for k, c := range nw.Cost {
		buf = append(buf[:0], " + "...)
		buf = strconv.AppendInt(buf, c, 10)
		buf = append(buf, " x"...)
		buf = strconv.AppendInt(buf, int64(k+1), 10)
		if k%8 == 7 {
			buf = append(buf, '\n')
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	w.WriteString("\nSubject To\n")
	out, in := incidence(nw)
	for u, b := range nw.Supply {
		buf = append(buf[:0], " n"...)
		buf = strconv.AppendInt(buf, int64(u+1), 10)
		buf = append(buf, ':')
		terms := 0
		for _, sign := range []string{" + x", " - x"} {
			list := out[u]
			if sign == " - x" {
				list = in[u]
			}
			for _, k := range list {
				buf = append(buf, sign...)
				buf = strconv.AppendInt(buf, int64(k+1), 10)
				if terms++; terms%8 == 0 {
					buf = append(buf, "\n  "...)
				}
			}
		}
		buf = append(buf, " = "...)
		buf = strconv.AppendInt(buf, b, 10)
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	_, err := w.WriteString("End\n")
	return err
}

// incidence lists each node's outgoing and incoming arcs.
func incidence(nw *alloc.Network) (out, in [][]int32) {
	out = make([][]int32, len(nw.Supply))
	in = make([][]int32, len(nw.Supply))
	for k := range nw.From {
		out[nw.From[k]] = append(out[nw.From[k]], int32(k))
		in[nw.To[k]] = append(in[nw.To[k]], int32(k))
	}
	return out, in
}
