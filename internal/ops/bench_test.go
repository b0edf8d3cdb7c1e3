package ops_test

import (
	"context"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// BenchmarkAuthenticate is what sign-in costs every request: finding the
// session and its user by the cookie. An op is one request; the session's
// last-used time is written at most once a minute, so none of them writes.
//
//	go test -bench Authenticate -run '^$' ./internal/ops/
func BenchmarkAuthenticate(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			c := &clock{time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)}
			s := storetest.Open(b, engine, store.WithClock(c.now))
			storetest.Build(b, s)
			svc := ops.New(s, ops.Options{PasswordParams: cheap})
			pw, err := svc.FirstRun(ctx)
			if err != nil {
				b.Fatal(err)
			}
			in, err := svc.SignIn(ctx, ops.SignInRequest{Username: ops.FirstAdmin, Password: pw, Address: "10.0.0.1"})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := svc.Authenticate(ctx, in.Secret, "10.0.0.1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
