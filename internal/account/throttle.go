package account

import (
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Backoff is how sign-in slows down after failures under one key (an
// account, an address, a known device): the first Free failures cost
// nothing, then each doubles the wait from Base up to Max. A failure older
// than Forget no longer counts.
//
// There is no hard lock: at worst a key waits Max between attempts. And
// the account key, the one an attacker could use to keep the duty
// commander out during an incident, does not apply to a browser that
// signed in to that account before (its device cookie): that browser only
// waits for its own failures.
type Backoff struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// The backoffs of sign-in: an address guessing across accounts is slowed
// the most; an account less, so that its owner is only delayed.
var (
	AccountBackoff = Backoff{Free: 5, Base: time.Second, Max: 30 * time.Second, Forget: time.Hour}
	AddressBackoff = Backoff{Free: 10, Base: time.Second, Max: 15 * time.Minute, Forget: 24 * time.Hour}
	DeviceBackoff  = Backoff{Free: 5, Base: time.Second, Max: 5 * time.Minute, Forget: 24 * time.Hour}
)

// Wait is how long after the last of failures (at last, unix seconds) the
// next attempt must wait at now; zero or less means it may go ahead.
func (b Backoff) Wait(failures int, last int64, now time.Time) time.Duration {
	since := now.Sub(time.Unix(last, 0))
	if failures <= b.Free || since >= b.Forget {
		return 0
	}
	d := b.Base
	for i := b.Free + 1; i < failures && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max) - since
}

// ThrottledError is the refusal of a sign-in attempt that came before its
// wait was over (auth.throttled); Seconds is the wait, for Retry-After.
type ThrottledError struct {
	Refusal *apperr.Error
	Seconds int
}

func (e *ThrottledError) Error() string { return e.Refusal.Error() }

// Unwrap lets apperr.As find the refusal.
func (e *ThrottledError) Unwrap() error { return e.Refusal }

// ErrThrottled returns the refusal of an attempt that must wait.
func ErrThrottled(wait time.Duration) *ThrottledError {
	s := max(int(wait.Round(time.Second)/time.Second), 1)
	return &ThrottledError{Seconds: s, Refusal: apperr.New(apperr.Throttled, "auth.throttled",
		"登录失败次数过多，请 %d 秒后再试", "too many failed sign-ins: try again in %d s", s)}
}

// ErrBadCredentials is the refusal of a wrong username or password; it
// never says which, so that it cannot be used to find usernames.
func ErrBadCredentials() *apperr.Error {
	return apperr.New(apperr.Unauthenticated, "auth.bad_credentials", "用户名或密码错误",
		"wrong username or password")
}
