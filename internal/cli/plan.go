package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/stockpile-dev/stockpile/internal/alloc"
	"github.com/stockpile-dev/stockpile/internal/dispatch"
	"github.com/stockpile-dev/stockpile/internal/input"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/routing"
	"github.com/stockpile-dev/stockpile/internal/routing/road"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// planFlags configure the dispatch planner: where travel times come from,
// the tier rules and the region.
type planFlags struct {
	roads    string // an OpenStreetMap .osm.pbf extract
	osrm     string // an OSRM server URL
	costs    string // alloc.ParseCosts form
	regionKm float64
}

func (rf *planFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&rf.roads, "roads", envOr("STOCKPILE_ROADS", ""),
		"OpenStreetMap .osm.pbf extract for road travel times; the graph is cached beside it (env STOCKPILE_ROADS)")
	fs.StringVar(&rf.osrm, "osrm", envOr("STOCKPILE_OSRM", ""), "OSRM server URL for road travel times (env STOCKPILE_OSRM)")
	fs.StringVar(&rf.costs, "costs", envOr("STOCKPILE_COSTS", ""), "tier rules and weights as key=value pairs, e.g. "+
		"\"city=0,own-district=30\"; keys: "+alloc.DefaultCosts().String()+" (the defaults; env STOCKPILE_COSTS)")
	fs.Float64Var(&rf.regionKm, "region-km", 300, "sites farther than this from every home district are refused as misplaced")
}

// service returns the use cases over s with the configured router and
// rules.
func (a *app) service(ctx context.Context, s *store.Store, rf planFlags) (*ops.Service, error) {
	opts, err := a.options(ctx, rf)
	if err != nil {
		return nil, err
	}
	return ops.New(s, opts), nil
}

// options are the use cases' options with the configured router and rules.
func (a *app) options(ctx context.Context, rf planFlags) (ops.Options, error) {
	costs, err := alloc.ParseCosts(rf.costs)
	if err != nil {
		return ops.Options{}, err
	}
	router, err := a.router(ctx, rf)
	if err != nil {
		return ops.Options{}, err
	}
	return ops.Options{Router: router, Costs: costs, RegionMarginKm: rf.regionKm}, nil
}

// router returns the chosen router. Road and OSRM times are driving times;
// they get the same planning allowance (contingency and handling) as the
// great-circle estimate, so a minute means the same whichever is used.
func (a *app) router(ctx context.Context, rf planFlags) (routing.Router, error) {
	profile := routing.DefaultProfile()
	switch {
	case rf.roads != "" && rf.osrm != "":
		return nil, fmt.Errorf("choose one of --roads and --osrm")
	case rf.roads != "":
		update, finish := a.progress("road graph 路网")
		r, err := road.Open(ctx, rf.roads, road.OpenOptions{Progress: func(stage string, done, total int) {
			if total > 0 {
				update(int64(done), int64(total))
			}
		}})
		finish()
		if err != nil {
			return nil, err
		}
		return routing.WithAllowance(r, profile.Allowance)
	case rf.osrm != "":
		return routing.WithAllowance(&routing.OSRM{BaseURL: rf.osrm}, profile.Allowance)
	}
	return routing.NewGreatCircle(profile, nil)
}

func (a *app) planCommand() *cobra.Command {
	var rf planFlags
	var asJSON, dryRun bool
	cmd := &cobra.Command{
		Use:   "plan [incident.json]",
		Short: "Compute a dispatch plan for an incident 生成调度方案",
		Long: `Read an incident (or a JSON array of incidents) — its sites, what each needs
and within how many hours — store it, and compute a dispatch plan over the
stock of every tier, agreement reserves and production capacity. Without a
file, plan over every open incident. The plan is stored as proposed; approve,
cancel, execute or recompute it through the API.

Storing changes data: sign in with --user (or set STOCKPILE_TOKEN) as a
commander or reserve manager; recording new incidents takes a commander.
--dry-run stores nothing and needs no sign-in.

Travel times come from --roads (an OpenStreetMap extract), --osrm (a server),
or, by default, a great-circle estimate by terrain.`,
		Example: `  stockpile plan testdata/incident-fangshan-flood.json --user commander-city
  stockpile plan flood.json --dry-run --roads beijing-latest.osm.pbf --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, requireSchema, func(s *store.Store) error {
				req := ops.PlanRequest{DryRun: dryRun}
				if len(args) == 1 {
					var err error
					if req.New, err = readIncidents(args[0]); err != nil {
						return err
					}
				}
				n := asSignedIn
				if dryRun {
					n = asOperator
				}
				who, err := a.actor(ctx, s, n)
				if err != nil {
					return err
				}
				svc, err := a.service(ctx, s, rf)
				if err != nil {
					return err
				}
				p, err := svc.CreatePlan(ctx, who, req)
				if err != nil {
					return err
				}
				if asJSON {
					enc := json.NewEncoder(a.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(p)
				}
				printPlan(a.stdout, p)
				return nil
			})
		},
	}
	rf.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "compute the plan without storing the incident or the plan")
	return cmd
}

// readIncidents reads one incident, or a JSON array of them, from path.
func readIncidents(path string) ([]dispatch.Incident, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var incidents []dispatch.Incident
	if trimmed := strings.TrimSpace(string(data)); strings.HasPrefix(trimmed, "[") {
		err = input.DecodeJSON(data, &incidents)
	} else {
		var in dispatch.Incident
		err = input.DecodeJSON(data, &in)
		incidents = []dispatch.Incident{in}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return incidents, nil
}

// printPlan writes a plan as two tables: the lines, then each demand's
// coverage at 4 h, 6 h and 24 h.
//
// Its text is bilingual, as all the CLI's: each label in Chinese, then
// in English.
func printPlan(w io.Writer, p dispatch.Plan) {
	id := "（not stored 未保存）"
	if p.ID != 0 {
		id = fmt.Sprintf("#%d", p.ID)
	}
	fmt.Fprintf(w, "调度方案 plan %s — %s — 事件 incidents %s — 路程 travel times: %s — 目标值 objective %d — %d ms\n\n",
		id, p.Status, strings.Join(p.Incidents, ", "), routerName(p.Router), p.Objective, p.Stats.TotalMs)
	tw := newTable(w)
	fmt.Fprintln(tw, "需求点 site\t物资 item\t数量 qty\t来源 source\t层级 relation\t到达 arrival\t准时 on time\t批次 lots")
	for _, l := range p.Lines {
		var lots []string
		for _, lp := range l.Lots {
			lots = append(lots, fmt.Sprintf("%s×%s", lp.Lot, lp.Quantity))
		}
		onTime := "✓"
		if l.Late {
			onTime = "✗ 晚到 late"
		}
		fmt.Fprintf(tw, "%s\t%s %s\t%s %s\t%s %s\t%s\t%s\t%s\t%s\n", l.Site, l.Item, l.ItemNameZH, l.Quantity, l.UnitZH,
			l.Source.Code, l.Source.NameZH, l.Source.Relation, fmt.Sprintf("%d:%02d", l.ArrivalMin/60, l.ArrivalMin%60), onTime,
			strings.Join(lots, " "))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = newTable(w)
	fmt.Fprintln(tw, "需求点 site\t物资 item\t需求 demand\t4 h\t6 h\t24 h\t缺口 short\t原因 reason")
	for _, c := range p.Coverage {
		fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Site, c.Item, c.ItemNameZH, c.Demand,
			c.Within4h, c.Within6h, c.Within24h, c.Short, c.ReasonZH)
	}
	tw.Flush()
}

// routerName names where travel times came from in both languages, as
// the CLI writes labels: "直线距离估算 great-circle".
func routerName(name string) string {
	if base, ok := strings.CutPrefix(name, "great-circle"); ok {
		return "直线距离估算 great-circle" + base
	}
	return name
}
