package sign_test

import (
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/sign"
)

func TestJWS(t *testing.T) {
	t.Parallel()
	k, err := sign.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	again, err := sign.FromSeed(k.Private.Seed())
	if err != nil || again.ID != k.ID {
		t.Fatalf("the same seed gives key %q, not %q (%v)", again.ID, k.ID, err)
	}
	payload := []byte(`{"unit":"北京市（110000）","total":[12.5]}`)
	jws, err := k.JWS(payload, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	keys := []sign.JWK{k.Public()}
	got, err := sign.Verify(jws, keys)
	if err != nil || string(got) != string(payload) {
		t.Fatalf("verify: %s %v", got, err)
	}
	parts := strings.Split(jws, ".")
	other, _ := sign.NewKey()
	forged, _ := other.JWS(payload, "application/json")
	tampered := parts[0] + "." + strings.Split(mustJWS(t, k, `{"unit":"x"}`), ".")[1] + "." + parts[2]
	for name, bad := range map[string]string{"a changed payload": tampered, "another key": forged,
		"two parts": parts[0] + "." + parts[1], "garbage": "a.b.c"} {
		if _, err := sign.Verify(bad, keys); err == nil {
			t.Errorf("%s verified", name)
		}
	}
}

func mustJWS(t *testing.T, k sign.Key, payload string) string {
	t.Helper()
	s, err := k.JWS([]byte(payload), "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
