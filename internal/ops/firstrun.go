package ops

import (
	"context"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/account"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// FirstAdmin is the username of the administrator FirstRun creates.
const FirstAdmin = "admin"

// FirstRun creates the first administrator when there is no user at all:
// "admin", of the whole installation, with a one-time password returned
// here for the operator to read off the console, to be changed at the
// first sign-in. There is no default password anywhere. It returns ""
// when users exist already.
func (s *Service) FirstRun(ctx context.Context) (password string, err error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	u := account.User{Username: FirstAdmin, Name: "系统管理员 Administrator", Roles: []access.Role{access.RoleAdmin}}
	_, password, err = s.CreateUser(ctx, access.SystemActor("first-run"), u, "")
	return password, err
}

// AddDemoAccounts creates the demo's accounts, each with a random password
// of its own for this database, and keeps the passwords for the sign-in
// page of a demo on a loopback address (store.DemoAccounts). It does
// nothing when users exist already.
func (s *Service) AddDemoAccounts(ctx context.Context, users []account.User) ([]store.DemoAccount, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	who := access.SystemActor("demo")
	var out []store.DemoAccount
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		svc := *s
		svc.store = tx
		for i, u := range users {
			pw := account.NewPassword()
			if _, _, err := svc.CreateUser(ctx, who, u, pw); err != nil {
				return err
			}
			if err := tx.AddDemoAccount(ctx, u.Username, pw, i); err != nil {
				return err
			}
			out = append(out, store.DemoAccount{Username: u.Username, Password: pw})
		}
		return nil
	})
	return out, err
}

// DemoAccounts lists the demo accounts whose passwords are still the
// generated ones.
func (s *Service) DemoAccounts(ctx context.Context) ([]store.DemoAccount, error) {
	return s.store.DemoAccounts(ctx)
}
