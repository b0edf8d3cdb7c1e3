package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/audit"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// auditFlags are the audit command's search.
type auditFlags struct {
	principal, kind, id, action, from, to string
	limit                                 int
	before                                int64
	asJSON                                bool
}

func (a *app) auditCommand() *cobra.Command {
	var f auditFlags
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Search the audit trail 查询审计日志",
		Long: `List the audit trail, newest first: every change that is not a ledger entry
(master data, users, tokens, settings, norms, incidents, plans, transfer
orders, pre-positioning) and every sign-in, refused or not — who, when (China
time), from where, what action, on what object. --json prints one record a
line, with the states before and after. verify checks the trail's hash chain.`,
		Example: `  stockpile audit --limit 20
  stockpile audit --principal zhang.wei --from 2026-06-01 --to 2026-06-30
  stockpile audit --action user. --json
  stockpile audit --kind plan --id 12`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withUseCases(ctx, asOperator, func(svc *ops.Service, who access.Actor) error {
				return a.audit(ctx, svc, who, f)
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.principal, "principal", "", `who acted: a principal id ("user:3", "token:2", "cli:root") or a username`)
	fs.StringVar(&f.kind, "kind", "", `kind of object ("user", "token", "plan", "item", …)`)
	fs.StringVar(&f.id, "id", "", "id of the object (with --kind)")
	fs.StringVar(&f.action, "action", "", `action ("user.create"), or a prefix of actions ending in "." ("session.")`)
	fs.StringVar(&f.from, "from", "", "from this date on (YYYY-MM-DD, China time)")
	fs.StringVar(&f.to, "to", "", "up to the end of this date (YYYY-MM-DD, China time)")
	fs.IntVar(&f.limit, "limit", 50, fmt.Sprintf("at most this many records (up to %d)", store.MaxAuditPage))
	fs.Int64Var(&f.before, "before", 0, "only records numbered below this: the next page after the last one shown")
	fs.BoolVar(&f.asJSON, "json", false, "print JSON, one record a line")
	return cmd
}

// audit searches the trail and prints what it finds.
func (a *app) audit(ctx context.Context, svc *ops.Service, who access.Actor, f auditFlags) error {
	q, err := f.query()
	if err != nil {
		return err
	}
	names := userNames(ctx, svc, who)
	if q.Principal, err = principalID(f.principal, names); err != nil {
		return err
	}
	records, err := svc.Audit(ctx, who, q)
	if err != nil {
		return err
	}
	if f.asJSON {
		enc := json.NewEncoder(a.stdout)
		for _, r := range records {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	printAudit(a.stdout, records, names)
	return nil
}

// query is the search the flags ask for, but for the principal.
func (f auditFlags) query() (audit.Query, error) {
	q := audit.Query{ObjectKind: f.kind, ObjectID: f.id, Action: f.action, Before: f.before, Limit: f.limit}
	var err error
	if q.From, err = parseDay(f.from, "from", 0); err != nil {
		return q, err
	}
	q.To, err = parseDay(f.to, "to", 1)
	return q, err
}

// parseDay reads a China date as unix seconds at the start of the day,
// shifted by days; 0 for "".
func parseDay(s, field string, days int) (int64, error) {
	if s == "" {
		return 0, nil
	}
	unix, ok := cst.DayStart(strings.TrimSpace(s), days)
	if !ok {
		return 0, apperr.New(apperr.Invalid, "date.malformed", "日期「%s」格式错误：应为 YYYY-MM-DD",
			"date %q is malformed: want YYYY-MM-DD", s).WithField(field)
	}
	return unix, nil
}

// userNames maps user principals to usernames, for showing records; empty
// when who may not list users.
func userNames(ctx context.Context, svc *ops.Service, who access.Actor) map[string]string {
	names := map[string]string{}
	users, err := svc.Users(ctx, who)
	if err != nil {
		return names
	}
	for _, u := range users {
		names[u.Actor("").ID] = u.Username
	}
	return names
}

// principalID is --principal as a principal id: given as one, or a
// username looked up in names.
func principalID(p string, names map[string]string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" || p == access.AnonymousID || strings.Contains(p, ":") {
		return p, nil
	}
	for id, name := range names {
		if name == strings.ToLower(p) {
			return id, nil
		}
	}
	return "", apperr.NotFoundf("user", "用户", p).WithField("principal")
}

func printAudit(w io.Writer, records []audit.Record, names map[string]string) {
	tw := newTable(w)
	fmt.Fprintln(tw, "seq\ttime 时间 (CST)\tprincipal 操作人\taddress 来源\taction 操作\tobject 对象")
	for _, r := range records {
		who := r.Principal
		if name, ok := names[who]; ok {
			who += " " + name
		}
		obj := r.Object.Kind + " " + r.Object.ID
		if r.Object.Version > 0 {
			obj += " v" + strconv.FormatInt(r.Object.Version, 10)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Seq, time.Unix(r.At, 0).In(cst.Zone).Format("2006-01-02 15:04:05"),
			who, dash(r.Address), r.Action, obj)
	}
	tw.Flush()
	if len(records) == 0 {
		fmt.Fprintln(w, "no records 无记录")
	}
}
