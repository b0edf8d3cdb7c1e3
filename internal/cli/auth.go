package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// tokenEnv names the environment variable holding an API token for the
// command line to act with.
const tokenEnv = "STOCKPILE_TOKEN"

// cliAddress is the address recorded for what is done at the command line.
const cliAddress = "cli"

// need says whom a command acts as when no one signs in.
type need int

const (
	// asOperator: the operator at the database's console (access.Operator)
	// acts when neither --user nor STOCKPILE_TOKEN is given. Reads take it:
	// the command line reaches the database file or URL, which shows every
	// row to whoever holds it, so a password would protect nothing there.
	// So does `user add`, to make the first administrator of a fresh
	// database (or a new one, should every administrator be locked out).
	asOperator need = iota
	// asSignedIn: a command that changes data acts as the user of --user or
	// the token of STOCKPILE_TOKEN, and is refused without either, so that
	// the ledger and the audit trail name a person, not an operating-system
	// account.
	asSignedIn
)

// actor returns who a command acts as over s: the user of --user, whose
// password is read now (readSecret); else the API token of
// STOCKPILE_TOKEN; else, as n says, the operator or a refusal. --user wins
// over a token set in the environment, as a flag wins over its variable.
// Either is checked through the use cases, under the same delays and audit
// as a sign-in over HTTP.
func (a *app) actor(ctx context.Context, s *store.Store, n need) (access.Actor, error) {
	svc := ops.New(s, ops.Options{})
	switch {
	case a.user != "":
		return a.signIn(ctx, svc)
	case a.token != "":
		return svc.AuthenticateToken(ctx, a.token, cliAddress)
	case n == asOperator:
		return access.Operator(osUser()), nil
	}
	return access.Nobody(), errSignInRequired()
}

// errSignInRequired is the refusal of a command that changes data run
// without credentials: access's, with what to do at the command line.
func errSignInRequired() *apperr.Error {
	e := access.ErrSignInRequired()
	e.ZH += "：请使用 --user 用户名（随后输入密码）或设置环境变量 " + tokenEnv
	e.EN += ": use --user NAME (the password is asked for) or set " + tokenEnv
	return e
}

// signIn checks --user and the password read for it, and refuses an
// account that must change its one-time password first: it could do
// nothing else.
func (a *app) signIn(ctx context.Context, svc *ops.Service) (access.Actor, error) {
	pw, err := a.readSecret(fmt.Sprintf("%s 的密码 password for %s: ", a.user, a.user))
	if err != nil {
		return access.Nobody(), err
	}
	if pw == "" { // not an attempt: it would only count against the account
		return access.Nobody(), errNoPassword()
	}
	who, err := svc.SignInCommand(ctx, a.user, pw)
	if err != nil {
		return access.Nobody(), err
	}
	if who.MustChangePassword {
		return access.Nobody(), apperr.New(apperr.Forbidden, "auth.password_change_required",
			"账号「%s」仍使用一次性密码：请先在网页登录并修改密码",
			"account %q still has its one-time password: sign in on the web and change it first", a.user)
	}
	return who, nil
}

// readSecret reads a password: typed at the terminal without echo after
// prompt (on stderr), or, when stdin is not a terminal, its next line, so
// that scripts and tests can pipe it in.
func (a *app) readSecret(prompt string) (string, error) {
	if a.isTerminal() {
		fmt.Fprint(a.stderr, prompt)
		b, err := term.ReadPassword(int(a.stdin.(*os.File).Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	if a.lines == nil {
		a.lines = bufio.NewReader(a.stdin)
	}
	line, err := a.lines.ReadString('\n')
	if errors.Is(err, io.EOF) && line == "" {
		return "", errNoPassword()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// isTerminal reports whether stdin is a terminal a person types at.
func (a *app) isTerminal() bool {
	f, ok := a.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// errNoPassword is the refusal of an empty password or none at all.
func errNoPassword() *apperr.Error {
	return apperr.New(apperr.Invalid, "password.missing", "没有输入密码（从标准输入读取时每行一个）",
		"no password given (one a line when read from standard input)")
}
