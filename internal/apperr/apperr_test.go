package apperr_test

import (
	"errors"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

func TestWithinAndRebase(t *testing.T) {
	e := apperr.New(apperr.Invalid, "x.bad", "坏", "bad").WithField("sites[0].name")
	cases := []struct {
		err  error
		want string
	}{
		{apperr.Within("incidents[0]", e), "incidents[0].sites[0].name"},
		{apperr.Within("item", apperr.NotFoundf("item", "物资", "9")), "item"},
		{apperr.Rebase(apperr.Within("incidents[0]", e), "incidents[0]", "incident"), "incident.sites[0].name"},
		{apperr.Rebase(apperr.Within("incidents[0]", e), "incidents[0].", ""), "sites[0].name"},
		{apperr.Rebase(e, "incidents[0]", "incident"), "sites[0].name"},
	}
	for i, c := range cases {
		got, ok := apperr.As(c.err)
		if !ok || got.Field != c.want || got.Code != "x.bad" && got.Code != "item.not_found" {
			t.Errorf("case %d: field %q (%v), want %q", i, got.Field, c.err, c.want)
		}
	}
	plain := errors.New("plain")
	if apperr.Rebase(plain, "a", "b") != plain || apperr.Within("a", nil) != nil {
		t.Error("errors that are not apperr.Errors, and nil, must pass unchanged")
	}
	if e.Field != "sites[0].name" {
		t.Errorf("the original was changed: %q", e.Field)
	}
}

func TestKindStatus(t *testing.T) {
	for kind, want := range map[apperr.Kind]int{apperr.Invalid: 400, apperr.NotFound: 404, apperr.Conflict: 409,
		apperr.TooLarge: 413, apperr.Forbidden: 403, apperr.Unsupported: 415, apperr.Unavailable: 503, apperr.Unauthenticated: 401, apperr.Throttled: 429, 0: 0} {
		if got := kind.HTTPStatus(); got != want {
			t.Errorf("kind %d: status %d, want %d", kind, got, want)
		}
	}
}
