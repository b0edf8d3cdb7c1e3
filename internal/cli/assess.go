package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/input"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

func (a *app) assessCommand() *cobra.Command {
	var rf planFlags
	var asJSON bool
	var pair, hazard string
	cmd := &cobra.Command{
		Use:   "assess [scenario.json]",
		Short: "Assess readiness for a scenario or the standing scenarios 储备评估",
		Long: `Set a scenario against what the city holds （够不够）： what its events need per
the norms, what is held per reserve mode and tier (expiring lots counted out
and listed for rotation), what the dispatch engine can bring to each hit
district within 4 h, 6 h and 24 h, and the purchase list that closes the gap.

Without a file, assess the reserve plan's two standing scenarios — life
support for 1.2% of residents, and two concurrent level Ⅱ responses in the
districts of --pair — and a level Ⅱ event in every district in turn.`,
		Example: `  stockpile assess
  stockpile assess --pair 110111,110109 --hazard flood --json
  stockpile assess testdata/scenario-earthquake.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, requireSchema, func(s *store.Store) error {
				who, err := a.actor(ctx, s, asOperator) // it only reads
				if err != nil {
					return err
				}
				svc, err := a.service(ctx, s, rf)
				if err != nil {
					return err
				}
				if len(args) == 1 {
					return a.assessFile(ctx, svc, who, args[0], asJSON)
				}
				p, err := readiness.ParsePair([]string{pair})
				if err != nil {
					return err
				}
				update, finish := a.progress("assessing 评估")
				ov, err := svc.Overview(ctx, who, p, hazard, func(done, total int) { update(int64(done), int64(total)) })
				finish()
				if err != nil {
					return err
				}
				return a.show(asJSON, ov, func(w io.Writer) { printOverview(w, ov) })
			})
		},
	}
	rf.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the assessment as JSON")
	cmd.Flags().StringVar(&pair, "pair", strings.Join(readiness.DefaultPair[:], ","),
		"the two districts of the second standing scenario (area codes)")
	cmd.Flags().StringVar(&hazard, "hazard", "flood", "hazard of the level Ⅱ events: "+strings.Join(readiness.Hazards, ", "))
	return cmd
}

func (a *app) assessFile(ctx context.Context, svc *ops.Service, who access.Actor, path string, asJSON bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var sc readiness.Scenario
	if err := input.DecodeJSON(data, &sc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	res, err := svc.Assess(ctx, who, sc)
	if err != nil {
		return err
	}
	return a.show(asJSON, res, func(w io.Writer) { printAssessment(w, res) })
}

// show prints v as indented JSON, or for people with print.
func (a *app) show(asJSON bool, v any, print func(io.Writer)) error {
	if !asJSON {
		print(a.stdout)
		return nil
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }

func printOverview(w io.Writer, ov readiness.Overview) {
	for _, as := range ov.Scenarios {
		printAssessment(w, as)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "各区Ⅱ级响应：本区库存 4 小时、加市级 6 小时、加其他区 24 小时 Level Ⅱ event in each district: own stock in 4 h, plus the city's in 6 h, plus other districts' in 24 h")
	tw := &table{w: w, padding: 2, alignRight: true}
	fmt.Fprintln(tw, "district 区\t\town 4 h 本区\t+city 6 h 市级\t+others 24 h 其他区\tcovered 储备\tshort items 缺口品种\t")
	for _, d := range ov.Districts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", d.Area, d.NameZH, pct(d.Chain.Own4h), pct(d.Chain.City6h),
			pct(d.Chain.Others24h), pct(d.Summary.Coverage), d.Summary.Short)
	}
	tw.Flush()
	if len(ov.Neighbours) > 0 {
		fmt.Fprintln(w, "支援津冀：市级库存 24 小时内送达 Support to Tianjin and Hebei: city stock within 24 h")
		tw := &table{w: w, padding: 2, alignRight: true}
		for _, n := range ov.Neighbours {
			fmt.Fprintf(tw, "%s\t%s\t%s 人 people\t%s\t\n", n.Code, n.NameZH, group(strconv.FormatInt(n.Relocated, 10)),
				pct(n.Within24))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "%d plans in %d ms (dispatch %d ms)\n", ov.Stats.Plans, ov.Stats.TotalMs, ov.Stats.DispatchMs)
}

func printAssessment(w io.Writer, as readiness.Assessment) {
	fmt.Fprintf(w, "%s\n%s\n", as.Scenario.NameZH, as.Scenario.NameEN)
	fmt.Fprintf(w, "held 储备 %s · in time (%g h) 按时送达 %s · within 24 h %s · %d of %d items short 缺口\n",
		pct(as.Summary.Coverage), as.DeadlineHours, pct(as.Summary.InTime), pct(as.Summary.Within24),
		as.Summary.Short, as.Summary.Items)
	tw := &table{w: w, padding: 2, alignRight: true}
	fmt.Fprintln(tw, "item 物资\t\tunit 单位\trequired 需求\theld 储备\tcover\t≤4 h\t≤6 h\t≤24 h\tgap 缺口\texpiring 临期\t")
	for _, it := range as.Items {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", it.Item, it.NameZH, it.UnitZH,
			qty(it.Required), qty(it.Held), pct(it.Coverage), qty(it.Within4h), qty(it.Within6h), qty(it.Within24h),
			qty(it.Gap), qty(it.Expiring))
	}
	tw.Flush()
	fmt.Fprintf(w, "purchase list 采购清单： %d lines · rotation 轮换： %d lots\n", len(as.Purchases), len(as.Rotation))
	printBudgets(w, as)
	for _, n := range as.Notes {
		printNote(w, n)
	}
}

// printNote prints a note in both languages, then the sources it rests
// on, as they were recorded.
func printNote(w io.Writer, n readiness.Note) {
	fmt.Fprintf(w, "注 %s\nnote %s\n", n.ZH, n.EN)
	for _, src := range n.Sources {
		fmt.Fprintf(w, "  来源 source: %s\n", src)
	}
}

// printBudgets prints the purchase list's cost per budget holder: the city,
// then each district (列入本级财政预算).
func printBudgets(w io.Writer, as readiness.Assessment) {
	if len(as.Budgets) == 0 {
		return
	}
	fmt.Fprintf(w, "purchase budget 采购预算： %s yuan 元 （unit prices of the settings 按设置中的单价估算）\n", yuan(as.PurchaseCost))
	tw := &table{w: w, padding: 2, alignRight: true}
	fmt.Fprintln(tw, "budget 预算主体\t\tlines 条目\tcost 元\tunpriced 无单价\t")
	for _, b := range as.Budgets {
		code, name := b.Area, b.AreaZH
		if b.Area == "" {
			code, name = "city", "市级"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t\n", code, name, b.Lines, yuan(b.Cost), b.Unpriced)
	}
	tw.Flush()
}

// yuan writes an amount in whole yuan with thousands separators.
func yuan(x float64) string { return group(strconv.FormatInt(int64(math.Round(x)), 10)) }

// qty writes a quantity with its whole part in groups of three digits.
func qty(q stock.Quantity) string {
	whole, frac, ok := strings.Cut(q.String(), ".")
	if ok {
		return group(whole) + "." + frac
	}
	return group(whole)
}

// group puts a comma between groups of three digits of an integer.
func group(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r != '-' && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (a *app) prepositionCommand() *cobra.Command {
	var rf planFlags
	var asJSON bool
	var keep, deadline, lead float64
	cmd := &cobra.Command{
		Use:   "preposition warning.json|alert.xml",
		Short: "Recommend moving stock forward before a warned event 物资前置建议",
		Long: `Read a hazard warning — JSON, or a CAP 1.2 alert (XML) as public warning
systems publish — and recommend transfers from depots elsewhere to a depot in
each warned district that raise what arrives there by the first-batch
deadline the most, while every depot outside keeps --keep of its free stock.
The recommendation is stored as proposed; approving it through the API
creates the transfer order. Storing it changes data: sign in with --user (or
set STOCKPILE_TOKEN) as a commander or reserve manager.`,
		Example: `  stockpile preposition internal/warning/testdata/beijing-rainstorm-red.xml --user commander-city
  echo "$PASSWORD" | stockpile preposition warning.json --user manager-city --keep 0.6 --deadline 2 --lead 12`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, requireSchema, func(s *store.Store) error {
				data, err := os.ReadFile(args[0])
				if err != nil {
					return err
				}
				who, err := a.actor(ctx, s, asSignedIn)
				if err != nil {
					return err
				}
				svc, err := a.service(ctx, s, rf)
				if err != nil {
					return err
				}
				opt := readiness.PrepositionOptions{DeadlineHours: deadline, LeadHours: lead}
				if cmd.Flags().Changed("keep") {
					opt.KeepShare = &keep
				}
				rec, err := svc.Recommend(ctx, who, data, opt)
				if err != nil {
					return err
				}
				return a.show(asJSON, rec, func(w io.Writer) { printRecommendation(w, rec) })
			})
		},
	}
	rf.register(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the recommendation as JSON")
	cmd.Flags().Float64Var(&keep, "keep", 0, "share of its free stock every depot outside the warned districts keeps (default: the settings', 0.5)")
	cmd.Flags().Float64Var(&deadline, "deadline", 0, "first-batch deadline in hours (default: the settings', 4)")
	cmd.Flags().Float64Var(&lead, "lead", 0, "hours there are to move stock (default: until the warning's onset); use it to rehearse an old warning")
	return cmd
}

func printRecommendation(w io.Writer, rec readiness.Recommendation) {
	fmt.Fprintf(w, "前置建议 #%d pre-positioning recommendation: %s\n", rec.ID, rec.Scenario.NameZH)
	fmt.Fprintf(w, "in time (%g h) 按时送达： before 前置前 %s → after 前置后 %s · depots keep 保底 %s\n",
		rec.DeadlineHours, pct(rec.Before.InTime), pct(rec.After.InTime), pct(rec.KeepShare))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "from 调出\tto 调入\titem 物资\tquantity 数量\ttravel 运输\t")
	for _, m := range rec.Moves {
		fmt.Fprintf(tw, "%s\t%s\t%s %s\t%s %s\t%d min\t\n", m.FromZH, m.ToZH, m.Item, m.NameZH, m.Quantity, m.UnitZH, m.TravelMin)
	}
	tw.Flush()
	for _, n := range rec.Notes {
		printNote(w, n)
	}
}

func (a *app) normsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "norms",
		Short: "Export or import the readiness norms as CSV 储备定额导出/导入",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "export [file.csv]",
		Short: "Write the home city's norms as CSV (to stdout without a file) 导出储备定额",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, requireSchema, func(s *store.Store) error {
				cfg, err := s.HomeReadinessConfig(ctx)
				if err != nil {
					return err
				}
				data := readiness.ExportNorms(cfg.Norms)
				if len(args) == 0 {
					_, err = a.stdout.Write(data)
					return err
				}
				return os.WriteFile(args[0], data, 0o644)
			})
		},
	})
	imp := &cobra.Command{
		Use:   "import file.csv",
		Short: "Replace the home city's norms with a CSV file, whole or not at all 导入储备定额",
		Long: `Replace the home city's norms with the file's; the other settings are kept.
Every row is checked first: a file with bad rows changes nothing, and every
bad row is listed with its line and column. Sign in with --user (or set
STOCKPILE_TOKEN) as a city administrator or reserve manager.`,
		Example: `  stockpile norms import norms.csv --user manager-city`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withStore(ctx, requireSchema, func(s *store.Store) error {
				data, err := os.ReadFile(args[0])
				if err != nil {
					return err
				}
				who, err := a.actor(ctx, s, asSignedIn)
				if err != nil {
					return err
				}
				cfg, err := ops.New(s, ops.Options{}).ImportNorms(ctx, who, string(data))
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "imported %d norms 已导入 %d 条储备定额\n", len(cfg.Norms), len(cfg.Norms))
				return nil
			})
		},
	}
	cmd.AddCommand(imp)
	return cmd
}
