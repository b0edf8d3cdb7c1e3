package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/importer"
	"github.com/stockpile-dev/stockpile/internal/ops"
)

// kindList names the kinds of import, for help texts.
func kindList() string {
	var names []string
	for _, s := range importer.Specs() {
		names = append(names, string(s.Kind))
	}
	return strings.Join(names, ", ")
}

func (a *app) importCommand() *cobra.Command {
	var dryRun, asJSON bool
	cmd := &cobra.Command{
		Use:   "import KIND FILE",
		Short: "Import an Excel or CSV file 导入 Excel/CSV 文件",
		Long: `Import a file (.xlsx, or CSV in UTF-8 or GBK/GB18030) of one kind of data:
` + kindList() + `.

Every row is checked first, against the data as it is and the scope of whoever
acts; the summary (new, changed, unchanged) and every problem are printed.
A file with any problem imports nothing and the command exits with status 1.
Otherwise the file is imported whole, in one transaction: master data is
created or updated by its code; opening stock sets each lot's quantity at its
depot (rows absent from the file are left alone); new users get one-time
passwords, printed once. With --dry-run nothing is imported.

Acts as the user of --user (or STOCKPILE_TOKEN). See docs/import.md.`,
		Example: `  stockpile template stock -o 期初库存.xlsx
  stockpile import stock 期初库存.xlsx --user li.na --dry-run
  stockpile import depots depots.csv --user admin`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[1])
			if err != nil {
				return err
			}
			return a.withUseCases(cmd.Context(), asSignedIn, func(svc *ops.Service, who access.Actor) error {
				return a.runImport(cmd.Context(), svc, who, args[0], filepath.Base(args[1]), data, dryRun, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check and preview only; import nothing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the preview and the result as JSON")
	return cmd
}

// runImport previews the file, prints what it found, and commits it
// unless it has problems or this is a dry run.
func (a *app) runImport(ctx context.Context, svc *ops.Service, who access.Actor, kind, name string, data []byte,
	dryRun, asJSON bool) error {
	pre, err := svc.PreviewImport(ctx, who, kind, name, data)
	if err != nil {
		return err
	}
	if err := a.show(asJSON, pre, func(w io.Writer) { printPreview(w, pre) }); err != nil {
		return err
	}
	if pre.ProblemCount > 0 || dryRun {
		if _, err := svc.DiscardImport(ctx, who, pre.ID); err != nil {
			return err
		}
		if pre.ProblemCount > 0 {
			fmt.Fprintf(a.stderr, "未导入任何数据：请改正以上 %d 处问题后重新导入\nnothing was imported: correct the %d problems above and import again\n",
				pre.ProblemCount, pre.ProblemCount)
			return exitError(1)
		}
		fmt.Fprintln(a.stderr, "dry run: nothing was imported 试运行：未导入任何数据")
		return nil
	}
	update, finish := a.progress("importing 导入")
	res, err := svc.CommitImport(ctx, who, pre.ID, update)
	finish()
	if err != nil {
		return err
	}
	return a.show(asJSON, res, func(w io.Writer) { printCommitted(w, res) })
}

// printPreview prints the counts and the problems of a preview.
func printPreview(w io.Writer, im ops.Import) {
	format := im.Format
	if im.Encoding != "" {
		format += "（" + im.Encoding + "）"
	}
	fmt.Fprintf(w, "%s：%s，%d 行 rows\n", im.Filename, format, im.Rows)
	t := newTable(w)
	fmt.Fprintf(t, "新增 new\t修改 changed\t未变 unchanged\t问题 problems\n%d\t%d\t%d\t%d\n",
		im.New, im.Changed, im.Unchanged, im.ProblemCount)
	t.Flush()
	if len(im.Problems) == 0 {
		return
	}
	fmt.Fprintln(w)
	t = newTable(w)
	fmt.Fprintln(t, "行 row\t列 column\t值 value\t问题\tproblem")
	for _, p := range im.Problems {
		fmt.Fprintf(t, "%d\t%s\t%s\t%s\t%s\n", p.Line, p.Column, oneLine(p.Value), p.ZH, p.EN)
	}
	t.Flush()
	if n := im.ProblemCount - int64(len(im.Problems)); n > 0 {
		fmt.Fprintf(w, "……另有 %d 处问题 and %d more problems\n", n, n)
	}
}

// oneLine keeps a cell on one line of the table, and short.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// printCommitted prints what a commit wrote and the one-time passwords of
// new users, which are not shown again.
func printCommitted(w io.Writer, im ops.Import) {
	fmt.Fprintf(w, "导入 #%d 已完成 import #%d committed：%d new, %d changed, %d unchanged", im.ID, im.ID, im.New, im.Changed, im.Unchanged)
	if len(im.Postings) > 0 {
		fmt.Fprintf(w, "; %d ledger lines in postings %v", im.LedgerLines, im.Postings)
	}
	fmt.Fprintln(w)
	if len(im.Passwords) == 0 {
		return
	}
	fmt.Fprintln(w, "一次性密码（仅显示这一次，首次登录须修改）one-time passwords (shown once, to be changed at first sign-in):")
	t := newTable(w)
	for _, p := range im.Passwords {
		fmt.Fprintf(t, "%s\t%s\n", p.Username, p.Password)
	}
	t.Flush()
}

func (a *app) templateCommand() *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "template KIND",
		Short: "Write the template of a kind of import 生成导入模板",
		Long: `Write the empty file to fill in for a kind of import (` + kindList() + `):
an .xlsx workbook with a drop-down list on each column with fixed values and a
notes sheet, or a CSV file. Needs no database.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" {
				return ops.ImportTemplate(a.stdout, args[0], format)
			}
			f, err := os.Create(out)
			if err != nil {
				return err
			}
			if err := ops.ImportTemplate(f, args[0], format); err != nil {
				f.Close()
				os.Remove(out)
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "wrote %s 已生成模板\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "xlsx or csv (default: from the -o file's extension, else xlsx)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	cmd.PreRun = func(*cobra.Command, []string) {
		if format == "" && strings.EqualFold(filepath.Ext(out), ".csv") {
			format = "csv"
		}
	}
	return cmd
}
