// Package cli wires Stockpile's subcommands (cobra) to the store, the demo
// data and the HTTP API. It holds no logic of its own beyond that wiring.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"syscall"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// app carries what every command shares: flags, streams, version, and the
// credentials of whoever runs it.
type app struct {
	version string
	db      string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	// lines reads stdin line by line once a password is read from it, so
	// that two passwords piped in (the signer's, then a new user's) both
	// arrive.
	lines *bufio.Reader
	// user is --user: the account a command signs in as. token is
	// STOCKPILE_TOKEN: an API token it acts with instead. See actor.
	user, token string
}

// Execute runs the command line and returns the process exit code.
func Execute(version string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, version, os.Args[1:], os.Stdout, os.Stderr)
}

// Run runs the command line args with the given output streams, reading
// passwords from the process's stdin, until ctx is done, and returns the
// exit code.
func Run(ctx context.Context, version string, args []string, stdout, stderr io.Writer) int {
	return RunWithInput(ctx, version, args, os.Stdin, stdout, stderr)
}

// RunWithInput is Run reading passwords from stdin, one a line when it is
// not a terminal. Tests call it in-process.
func RunWithInput(ctx context.Context, version string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{version: version, stdin: stdin, stdout: stdout, stderr: stderr, token: os.Getenv(tokenEnv)}
	root := a.rootCommand()
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		a.printError(err)
		var exit exitError
		if errors.As(err, &exit) {
			return int(exit)
		}
		return 1
	}
	return 0
}

// exitError ends the program with a code after its output was printed.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func (a *app) printError(err error) {
	var exit exitError
	if errors.As(err, &exit) {
		return
	}
	if e, ok := apperr.As(err); ok {
		fmt.Fprintf(a.stderr, "错误：%s\nerror: %s\n", e.ZH, e.EN)
		if e.Field != "" {
			fmt.Fprintf(a.stderr, "字段 field: %s\n", e.Field)
		}
		if e.Code != "" {
			fmt.Fprintf(a.stderr, "代码 code: %s\n", e.Code)
		}
		for _, r := range e.Rows {
			fmt.Fprintf(a.stderr, "  第 %[1]d 行 line %[1]d %[2]s: %[3]s / %[4]s\n", r.Line, r.Field, r.ZH, r.EN)
		}
		return
	}
	fmt.Fprintf(a.stderr, "错误 error: %v\n", err)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "stockpile",
		Short: "应急物资储备与调度平台 — emergency-materials reserve and dispatch platform",
		Long: `Stockpile keeps a city's emergency reserves: the item catalogue, areas, reserve
holders, depots, and a tamper-evident stock ledger — over an embedded SQLite
file or a PostgreSQL server.

Commands that change data act as a signed-in user (--user NAME; the password
is asked for) or an API token (env STOCKPILE_TOKEN), whom the ledger and the
audit trail name. Reading, migrating, loading the demo and adding a user at
the database's console need only the database.

Stockpile 管理城市应急物资储备：物资目录、区域、储备主体、储备库，以及防篡改的库存台账。
修改数据的命令须以用户身份登录（--user）或提供接口令牌（STOCKPILE_TOKEN）。`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&a.db, "db", envOr("STOCKPILE_DB", "stockpile.db"),
		"database: a SQLite file path, or a postgres:// URL (env STOCKPILE_DB)")
	root.PersistentFlags().StringVar(&a.user, "user", "",
		"sign in as this user, as commands that change data require; the password is asked for, "+
			"or read as a line from stdin when it is not a terminal (or set env "+tokenEnv+" to an API token)")
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.AddCommand(a.serveCommand(), a.migrateCommand(), a.demoCommand(), a.verifyCommand(), a.planCommand(),
		a.assessCommand(), a.prepositionCommand(), a.normsCommand(),
		a.userCommand(), a.tokenCommand(), a.auditCommand(), a.importCommand(), a.templateCommand(),
		a.versionCommand())
	return root
}

// osUser is the name of the operating-system user running the command.
func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// schemaPolicy says what a command does with an out-of-date schema.
type schemaPolicy int

const (
	migrateSchema schemaPolicy = iota // bring it up to date (serve, migrate, demo)
	requireSchema                     // refuse to run (everything else)
)

// withStore opens the store named by --db, applies the schema policy, runs
// fn, and closes the store.
func (a *app) withStore(ctx context.Context, policy schemaPolicy, fn func(s *store.Store) error) error {
	s, err := store.Open(ctx, a.db)
	if err != nil {
		return err
	}
	defer s.Close()
	if policy == migrateSchema {
		err = a.migrate(ctx, s)
	} else {
		err = s.CheckSchema(ctx)
	}
	if err != nil {
		return err
	}
	return fn(s)
}

// migrate brings the schema up to date and installs the default catalogue
// items the database lacks.
func (a *app) migrate(ctx context.Context, s *store.Store) error {
	err := s.Migrate(ctx, func(v int, name string) {
		fmt.Fprintf(a.stderr, "migrated to schema %d: %s\n", v, name)
	})
	if err != nil {
		return err
	}
	cats, items, err := catalog.Defaults()
	if err != nil {
		return err
	}
	n, err := s.InstallCatalogue(ctx, cats, items)
	if n > 0 {
		fmt.Fprintf(a.stderr, "installed %d catalogue items 已导入默认物资目录\n", n)
	}
	return err
}

// progress returns a progress callback drawing a bar on stderr.
func (a *app) progress(desc string) (func(done, total int64), func()) {
	var bar *progressbar.ProgressBar
	update := func(done, total int64) {
		if bar == nil {
			bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(a.stderr),
				progressbar.OptionSetDescription(desc), progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100e6), progressbar.OptionShowIts())
		}
		bar.Set64(done)
	}
	finish := func() {
		if bar != nil {
			bar.Finish()
			fmt.Fprintln(a.stderr)
		}
	}
	return update, finish
}

func (a *app) migrateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the database schema 创建或升级数据库结构",
		Long: `Apply the schema migrations the database has not seen yet, each in its own
transaction, and install the default catalogue items it lacks. serve does the
same on start; the other commands refuse an out-of-date schema.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd.Context(), migrateSchema, func(s *store.Store) error {
				fmt.Fprintf(a.stdout, "schema %d up to date (%s) 数据库结构已是最新\n", store.LatestVersion(), s.Engine())
				return nil
			})
		},
	}
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version 显示版本",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintf(a.stdout, "stockpile %s (schema %d)\n", a.version, store.LatestVersion())
		},
	}
}
