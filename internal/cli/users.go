package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// withUseCases opens the store, resolves who acts as n says, and runs fn
// with the use cases.
func (a *app) withUseCases(ctx context.Context, n need, fn func(svc *ops.Service, who access.Actor) error) error {
	return a.withStore(ctx, requireSchema, func(s *store.Store) error {
		who, err := a.actor(ctx, s, n)
		if err != nil {
			return err
		}
		return fn(ops.New(s, ops.Options{}), who)
	})
}

func (a *app) userCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage user accounts 用户管理",
		Long: `Add, list, disable and enable users, reset their passwords and sign them out.

Changes need an administrator signed in with --user (or STOCKPILE_TOKEN);
listing needs only the database. user add without either acts as the
operator at the database's console, to make the first administrator of a
fresh database.`,
	}
	cmd.AddCommand(a.userAddCommand(), a.userListCommand(),
		a.userStateCommand("disable", "Disable a user and end their sessions 停用用户", true),
		a.userStateCommand("enable", "Enable a disabled user 启用用户", false),
		a.userResetCommand(), a.userEndSessionsCommand())
	return cmd
}

func (a *app) userAddCommand() *cobra.Command {
	var u account.User
	var roles []string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a user 新增用户",
		Long: `Add a user with one or more roles (` + roleList() + `).
Every role but a lone administrator needs --area and --org; a keeper needs
the --depot codes they keep.

Without --password-stdin the user gets a one-time password, printed once
(alone on stdout, so that a script can capture it), which must be changed at
the first sign-in. With --password-stdin the password is read from stdin (the
second line when --user also reads one there).

Without --user or STOCKPILE_TOKEN the command acts as the operator at the
database's console: whoever can open the database can change anything in it
anyway. That is how the first administrator of a fresh database is made.`,
		Example: `  stockpile user add --username zhang.wei --name 张伟 --role admin
  stockpile user add --username li.na --name 李娜 --role keeper --area 110109 --org 110109-EMB --depot D-110109-01 --user admin
  printf '%s\n' "$ADMIN_PW" "$NEW_PW" | stockpile user add --username duty --role commander,manager --area 110000 --org BJ-EMB --user admin --password-stdin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, r := range roles {
				u.Roles = append(u.Roles, access.Role(strings.TrimSpace(r)))
			}
			return a.withUseCases(cmd.Context(), asOperator, func(svc *ops.Service, who access.Actor) error {
				return a.addUser(cmd.Context(), svc, who, u, fromStdin)
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&u.Username, "username", "", "username: 2–64 lower-case letters, digits or . _ - (required)")
	fs.StringVar(&u.Name, "name", "", "display name (default: the username)")
	fs.StringSliceVar(&roles, "role", nil, "role, repeatable or comma-separated: "+roleList()+" (required)")
	fs.StringVar(&u.AreaCode, "area", "", "code of the area the user's roles reach (with its subtree)")
	fs.StringVar(&u.OrgCode, "org", "", "code of the user's organisation")
	fs.StringSliceVar(&u.Depots, "depot", nil, "code of a depot a keeper keeps, repeatable or comma-separated")
	fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from stdin instead of printing a one-time one")
	cmd.MarkFlagRequired("username")
	cmd.MarkFlagRequired("role")
	return cmd
}

// roleList names the roles for help texts.
func roleList() string {
	var names []string
	for _, r := range access.Roles {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// addUser creates u with a password read from stdin or a one-time one.
func (a *app) addUser(ctx context.Context, svc *ops.Service, who access.Actor, u account.User, fromStdin bool) error {
	var pw string
	if fromStdin {
		var err error
		if pw, err = a.newPassword(u.Username); err != nil {
			return err
		}
	}
	u, oneTime, err := svc.CreateUser(ctx, who, u, pw)
	if err != nil {
		return err
	}
	if fromStdin {
		fmt.Fprintf(a.stdout, "created user #%d %s (%s) 已创建用户\n", u.ID, u.Username, joinRoles(u.Roles))
		return nil
	}
	fmt.Fprintf(a.stderr, "created user #%d %s (%s) 已创建用户\n", u.ID, u.Username, joinRoles(u.Roles))
	a.printOneTime(oneTime)
	return nil
}

// newPassword reads a new password for username from stdin: typed twice
// at a terminal, or one line piped in. Its rules are checked by the use
// case.
func (a *app) newPassword(username string) (string, error) {
	pw, err := a.readSecret(fmt.Sprintf("%s 的新密码 new password for %s: ", username, username))
	if err != nil || !a.isTerminal() {
		return pw, err
	}
	again, err := a.readSecret("再输入一次 again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", apperr.New(apperr.Invalid, "password.mismatch", "两次输入的密码不一致", "the passwords do not match")
	}
	return pw, nil
}

// printOneTime prints a one-time password alone on stdout, and on stderr
// what it is.
func (a *app) printOneTime(pw string) {
	fmt.Fprintln(a.stderr, "一次性密码（只显示这一次，首次登录时须修改） one-time password, shown only this once; "+
		"it must be changed at the first sign-in:")
	fmt.Fprintln(a.stdout, pw)
}

func joinRoles(roles []access.Role) string {
	var s []string
	for _, r := range roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ",")
}

func (a *app) userListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the users 列出用户",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withUseCases(cmd.Context(), asOperator, func(svc *ops.Service, who access.Actor) error {
				users, err := svc.Users(cmd.Context(), who)
				if err != nil {
					return err
				}
				return a.show(asJSON, users, func(w io.Writer) { printUsers(w, users) })
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the users as JSON")
	return cmd
}

func printUsers(w io.Writer, users []account.User) {
	tw := newTable(w)
	fmt.Fprintln(tw, "id\tusername 用户名\tname 姓名\troles 角色\tarea 区域\torg 单位\tdepots 储备库\tstatus 状态")
	for _, u := range users {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Name, joinRoles(u.Roles),
			dash(u.AreaCode), dash(u.OrgCode), dash(strings.Join(u.Depots, ",")), userStatus(u))
	}
	tw.Flush()
}

func userStatus(u account.User) string {
	switch {
	case u.Disabled:
		return "disabled 已停用"
	case u.MustChangePassword:
		return "one-time password 待改密"
	}
	return "active 正常"
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// findUser returns the user named username among those who may manage.
func findUser(ctx context.Context, svc *ops.Service, who access.Actor, username string) (account.User, error) {
	users, err := svc.Users(ctx, who)
	if err != nil {
		return account.User{}, err
	}
	name := strings.ToLower(strings.TrimSpace(username))
	for _, u := range users {
		if u.Username == name {
			return u, nil
		}
	}
	return account.User{}, apperr.NotFoundf("user", "用户", username)
}

// oneUserCommand is a command on the one user its argument names, run by a
// signed-in administrator; act does it.
func (a *app) oneUserCommand(use, short, long string,
	act func(ctx context.Context, svc *ops.Service, who access.Actor, u account.User) error) *cobra.Command {
	return &cobra.Command{
		Use:     use + " USERNAME",
		Short:   short,
		Long:    long,
		Example: "  stockpile user " + use + " li.na --user admin",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return a.withUseCases(ctx, asSignedIn, func(svc *ops.Service, who access.Actor) error {
				u, err := findUser(ctx, svc, who, args[0])
				if err != nil {
					return err
				}
				return act(ctx, svc, who, u)
			})
		},
	}
}

// userStateCommand disables or enables a user, with the version read.
func (a *app) userStateCommand(use, short string, disable bool) *cobra.Command {
	return a.oneUserCommand(use, short, "", func(ctx context.Context, svc *ops.Service, who access.Actor, u account.User) error {
		u.Disabled = disable
		u, err := svc.UpdateUser(ctx, who, u)
		if err != nil {
			return err
		}
		if disable {
			fmt.Fprintf(a.stdout, "user %s disabled, their sessions ended 已停用用户 %s\n", u.Username, u.Username)
		} else {
			fmt.Fprintf(a.stdout, "user %s enabled 已启用用户 %s\n", u.Username, u.Username)
		}
		return nil
	})
}

func (a *app) userResetCommand() *cobra.Command {
	return a.oneUserCommand("reset-password", "Give a user a new one-time password and end their sessions 重置密码",
		`Give a user a new one-time password, printed once (alone on stdout), which
they must change at their next sign-in; their sessions end.`,
		func(ctx context.Context, svc *ops.Service, who access.Actor, u account.User) error {
			pw, err := svc.ResetPassword(ctx, who, u.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "password of %s reset 已重置 %s 的密码\n", u.Username, u.Username)
			a.printOneTime(pw)
			return nil
		})
}

func (a *app) userEndSessionsCommand() *cobra.Command {
	return a.oneUserCommand("end-sessions", "Sign a user out everywhere 结束用户的全部会话", "",
		func(ctx context.Context, svc *ops.Service, who access.Actor, u account.User) error {
			n, err := svc.EndSessions(ctx, who, u.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "ended %d sessions of %s 已结束 %s 的 %d 个会话\n", n, u.Username, u.Username, n)
			return nil
		})
}
