package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/ops"
)

func (a *app) tokenCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens for partner systems 接口令牌管理",
		Long: `Issue, list and revoke API tokens. A token acts as the user it is issued for,
with that user's roles and scope; a partner system sends it as
"Authorization: Bearer <token>", and the command line reads it from
STOCKPILE_TOKEN.

Issuing and revoking need an administrator signed in with --user (or a
token); listing needs only the database.`,
	}
	cmd.AddCommand(a.tokenAddCommand(), a.tokenListCommand(), a.tokenRevokeCommand())
	return cmd
}

func (a *app) tokenAddCommand() *cobra.Command {
	var t account.Token
	var expires string
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Issue an API token 签发接口令牌",
		Long: `Issue an API token acting as the user --for. Its secret is printed once, alone
on stdout so that a script can capture it, and never shown again: only its
SHA-256 is kept.`,
		Example: `  stockpile token add --name "粮食局库存同步 grain-sync" --for partner-grain --user admin
  STOCKPILE_TOKEN=$(stockpile token add --name ci --for duty --expires 30d --user admin)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withUseCases(ctx, asSignedIn, func(svc *ops.Service, who access.Actor) error {
				at, err := parseExpiry(expires, svc.Store().Now())
				if err != nil {
					return err
				}
				t.ExpiresAt = at.Unix()
				issued, secret, err := svc.CreateToken(ctx, who, t)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "token #%d %q for %s, expires %s 已签发接口令牌\n", issued.ID, issued.Name,
					issued.Username, cst.Minute(issued.ExpiresAt))
				fmt.Fprintln(a.stderr, "警告：令牌只显示这一次，请立即妥善保存 "+
					"warning: the token is shown only this once; store it safely now")
				fmt.Fprintln(a.stdout, secret)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&t.Name, "name", "", "what the token is for, e.g. the partner system (required)")
	cmd.Flags().StringVar(&t.Username, "for", "", "username of the user the token acts as (required)")
	cmd.Flags().StringVar(&expires, "expires", "365d",
		"when it expires: after a number of days (\"90d\"), a duration (\"720h\"), or through a date (YYYY-MM-DD, China time); at most two years")
	cmd.MarkFlagRequired("name")
	cmd.MarkFlagRequired("for")
	return cmd
}

// parseExpiry reads --expires against now: "90d" days, a Go duration, or
// a date through whose end (China time) the token is valid.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return now.AddDate(0, 0, n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if day, err := time.ParseInLocation(cst.DateLayout, s, cst.Zone); err == nil {
		return day.AddDate(0, 0, 1), nil
	}
	return time.Time{}, apperr.New(apperr.Invalid, "token.expiry_invalid",
		"有效期「%s」格式错误：应为天数（如 90d）、时长（如 720h）或日期 YYYY-MM-DD",
		"expiry %q is malformed: want days (90d), a duration (720h) or a date YYYY-MM-DD", s).WithField("expires")
}

func (a *app) tokenListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the API tokens 列出接口令牌",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withUseCases(ctx, asOperator, func(svc *ops.Service, who access.Actor) error {
				tokens, err := svc.Tokens(ctx, who)
				if err != nil {
					return err
				}
				now := svc.Store().Now()
				return a.show(asJSON, tokens, func(w io.Writer) { printTokens(w, tokens, now) })
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the tokens as JSON")
	return cmd
}

func printTokens(w io.Writer, tokens []account.Token, now time.Time) {
	tw := newTable(w)
	fmt.Fprintln(tw, "id\tname 名称\tfor 用户\tcreated by 签发人\tcreated 签发\texpires 到期\tlast used 最近使用\tstatus 状态")
	for _, t := range tokens {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Username, t.CreatedBy,
			cst.Minute(t.CreatedAt), cst.Minute(t.ExpiresAt), cst.Minute(t.LastUsed), tokenStatus(t, now))
	}
	tw.Flush()
}

func tokenStatus(t account.Token, now time.Time) string {
	switch {
	case t.RevokedAt != 0:
		return "revoked 已撤销"
	case !t.Active(now):
		return "expired 已过期"
	}
	return "active 有效"
}

func (a *app) tokenRevokeCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke an API token for good 撤销接口令牌",
		Example: "  stockpile token revoke 3 --user admin",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
			if err != nil {
				return apperr.NotFoundf("token", "接口令牌", args[0])
			}
			ctx := cmd.Context()
			return a.withUseCases(ctx, asSignedIn, func(svc *ops.Service, who access.Actor) error {
				t, err := svc.RevokeToken(ctx, who, id)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "token #%d %q revoked 已撤销接口令牌\n", t.ID, t.Name)
				return nil
			})
		},
	}
}
