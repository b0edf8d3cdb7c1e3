package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stockpile-dev/stockpile/internal/alloc"
)

// print writes the instance's figures and the targets to stdout.
func (r *report) print() {
	p, st := &r.in.problem, r.sol.Stats
	fmt.Printf("== %s: %d sources, %d sites, %d items with demand\n", r.name, len(p.Sources), len(p.Sites), st.Items)
	fmt.Printf("   network: %d nodes, %d supply→demand arcs (full; plus %d root arcs); ours priced in %d of them\n",
		st.Nodes+st.Items, st.FullArcs, st.Nodes, st.Arcs)
	fmt.Printf("   solution: %s\n", r.summary())
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "   solver\tsolve\twall\tobjective\tvs ours (solve)\t")
	fmt.Fprintf(tw, "   ours, %d workers (median)\t%s\t%s\t%d\t\t  cpu %s\n", st.Workers, ms(r.ours), ms(r.ours), r.sol.Objective, ms(r.oursCPU))
	fmt.Fprintf(tw, "   ours, first run\t%s\t%s\t\t\t\n", ms(r.first), ms(r.first))
	fmt.Fprintf(tw, "   ours, 1 worker (median)\t%s\t%s\t\t\t  cpu %s\n", ms(r.oneWorker), ms(r.oneWorker), ms(r.oneWorkerCPU))
	if r.lemon != nil {
		fmt.Fprintf(tw, "   LEMON NetworkSimplex\t%s\t%s\t%d %s\t%s\t\n", ms(r.lemon.solve), ms(r.lemon.wall),
			r.lemon.objective, match(r.lemon.objective == r.sol.Objective), ratio(r.lemon.solve, r.ours))
	}
	if g := r.glpk; g != nil {
		if g.timedOut {
			fmt.Fprintf(tw, "   glpsol\t> %s\t%s\t(unfinished)\t> %s\t\n", ms(r.glpkLimit), ms(g.wall), ratio(r.glpkLimit, r.ours))
		} else {
			fmt.Fprintf(tw, "   glpsol\t%s\t%s\t%d %s\t%s\t\n", ms(g.solve), ms(g.wall),
				g.objective, match(g.objective == r.sol.Objective), ratio(g.solve, r.ours))
		}
	}
	tw.Flush()
	if g := r.glpk; g != nil && g.timedOut {
		fmt.Printf("   glpsol stopped: %s\n", g.note)
	}
	if r.exportTime > 0 {
		fmt.Printf("   (exporting the networks took %s; LEMON and glpsol wall times include reading them)\n", ms(r.exportTime))
	}
	r.printTargets()
	fmt.Println()
}

// summary counts lines, late lines and shortages by reason.
func (r *report) summary() string {
	late := 0
	for _, l := range r.sol.Lines {
		if l.Late {
			late++
		}
	}
	reasons := map[alloc.Reason]int{}
	for _, s := range r.sol.Shortages {
		reasons[s.Reason]++
	}
	var rs []string
	for _, reason := range []alloc.Reason{alloc.ReasonNoStock, alloc.ReasonUnreachable, alloc.ReasonExhausted, alloc.ReasonTooCostly} {
		if reasons[reason] > 0 {
			rs = append(rs, fmt.Sprintf("%d %v", reasons[reason], reason))
		}
	}
	return fmt.Sprintf("%d lines (%d late), %d shortages (%s); %d pivots, %d pricing rounds",
		len(r.sol.Lines), late, len(r.sol.Shortages), strings.Join(rs, ", "), r.sol.Stats.Pivots, r.sol.Stats.PricingRounds)
}

// printTargets states each target and whether this run met it.
func (r *report) printTargets() {
	limit := map[string]time.Duration{"beijing": targetBeijing, "national": targetNational}[r.name]
	fmt.Printf("   target: ours ≤ %s: %s\n", ms(limit), met(r.ours <= limit))
	if r.lemon != nil {
		fmt.Printf("   target: within 2× of LEMON's solve time: %s\n", met(float64(r.lemon.solve) >= targetVsLEMON*float64(r.ours)))
	}
	if g := r.glpk; g != nil {
		t := g.solve
		if g.timedOut {
			t = r.glpkLimit
		}
		fmt.Printf("   target: ≥ 10× faster than glpsol: %s\n", met(float64(t) >= targetVsGLPK*float64(r.ours)))
	}
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func match(ok bool) string {
	if ok {
		return "(=)"
	}
	return "(DIFFERS)"
}

// ratio says how many times longer ref took than ours.
func ratio(ref, ours time.Duration) string {
	return fmt.Sprintf("%.1f×", float64(ref)/float64(ours))
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}
