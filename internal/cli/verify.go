package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/store"
)

func (a *app) verifyCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the ledger's and the audit trail's hash chains and every balance 校验台账、审计日志与库存余额",
		Long: `Recompute the SHA-256 chain over every ledger entry from the first, every
balance from the entries, and the audit trail's own chain, all in one
snapshot. Prints the first entry or audit record that was altered, inserted
or removed, and any balance that differs from its entries. Exits 1 if
anything does not check out, 0 if all is well.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), requireSchema, func(s *store.Store) error {
				return a.verify(cmd.Context(), s, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func (a *app) verify(ctx context.Context, s *store.Store, asJSON bool) error {
	update, finish := a.progress("verifying 校验中")
	rep, err := s.Verify(ctx, update)
	finish()
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printVerifyReport(a.stdout, rep)
	}
	if !rep.OK {
		if !rep.Audit.OK {
			fmt.Fprintln(a.stderr, "FAILED: 审计日志校验未通过 the audit trail does not verify")
		}
		if rep.FirstBreak != nil || len(rep.Mismatches) > 0 || len(rep.TotalMismatches) > 0 || len(rep.BrokenRefs) > 0 {
			fmt.Fprintln(a.stderr, "FAILED: 台账校验未通过 the ledger does not verify")
		}
		return exitError(1)
	}
	return nil
}

func printVerifyReport(w io.Writer, rep store.VerifyReport) {
	rate := float64(rep.Entries) / rep.Elapsed.Seconds()
	fmt.Fprintf(w, "%d entries, %d balances checked in %s (%.0f entries/s)\n",
		rep.Entries, rep.Balances, rep.Elapsed.Round(time.Millisecond), rate)
	if b := rep.FirstBreak; b != nil {
		fmt.Fprintf(w, "第一处异常 first break: entry %d — %s / %s\n", b.Seq, b.ZH, b.Reason)
	}
	for _, m := range rep.Mismatches {
		fmt.Fprintf(w, "余额不符 balance mismatch: depot %s lot %s stored %s (reserved %s), ledger says %s (reserved %s)\n",
			m.DepotCode, m.LotCode, m.Stored, m.StoredReserved, m.Ledger, m.LedgerReserved)
	}
	for _, m := range rep.TotalMismatches {
		fmt.Fprintf(w, "汇总不符 stock total mismatch: %s %s item %s stored %s, ledger says %s\n",
			m.Scope, m.Code, m.Item, m.Stored, m.Ledger)
	}
	for _, r := range rep.BrokenRefs {
		fmt.Fprintf(w, "引用断裂 broken reference: %s %s: %s %d does not exist or does not match\n",
			r.Table, r.Row, r.Field, r.Value)
	}
	printAuditReport(w, rep.Audit)
	if rep.OK {
		fmt.Fprintln(w, "OK: 台账与审计日志完整，余额一致 ledger and audit trail intact, balances match")
	}
}

func printAuditReport(w io.Writer, rep store.AuditReport) {
	fmt.Fprintf(w, "audit trail 审计日志：%d records checked\n", rep.Records)
	if b := rep.FirstBreak; b != nil {
		fmt.Fprintf(w, "审计日志第一处异常 audit trail first break: record %d — %s / %s\n", b.Seq, b.ZH, b.Reason)
	} else if !rep.OK {
		fmt.Fprintln(w, "审计日志未通过校验 the audit trail does not verify")
	}
}
