package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Params are argon2id's cost parameters. They are stored with every hash,
// so a hash made with older parameters still verifies after they change.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultParams are OWASP's recommended argon2id minimum (19 MiB, two
// passes, one lane): 20 ms a hash on this project's 2-core test
// machine, so a sign-in costs little and a stolen table costs much.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// Password length bounds: at least 10 characters (NIST SP 800-63B asks for
// 8; an emergency system's accounts deserve a little more), at most 256 so
// that hashing stays cheap whatever a client sends.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// CheckPassword refuses a password that is too short or too long, or the
// same as the username.
func CheckPassword(username, pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return apperr.New(apperr.Invalid, "password.too_short", "密码至少 %d 个字符", "a password needs at least %d characters",
			MinPasswordLength).WithField("password")
	case len(pw) > MaxPasswordLength:
		return apperr.New(apperr.Invalid, "password.too_long", "密码最多 %d 字节", "a password may have at most %d bytes",
			MaxPasswordLength).WithField("password")
	case strings.EqualFold(pw, username):
		return apperr.New(apperr.Invalid, "password.is_username", "密码不能与用户名相同",
			"the password may not be the username").WithField("password")
	}
	return nil
}

// Hash returns the argon2id hash of pw in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func Hash(pw string, p Params) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether pw matches the encoded hash, in constant time.
// A malformed hash matches nothing.
func Verify(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(pw) > MaxPasswordLength {
		return false
	}
	var version int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil ||
		p.Time == 0 || p.Threads == 0 || p.MemoryKiB > 1<<22 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a username does not exist, so that a
// sign-in takes as long for an unknown user as for a wrong password.
// It is made on first use, not when the program starts.
var dummyHash = sync.OnceValue(func() string { return Hash("stockpile-no-such-user", DefaultParams) })

// VerifyNobody spends the time of one verification and reports false.
func VerifyNobody() bool {
	Verify(dummyHash(), "x")
	return false
}

// Secret is a random credential (a session cookie, an API token, a
// one-time password) and the SHA-256 of it that the database keeps. The
// plain value is shown once and never stored.
type Secret struct {
	Plain string
	Hash  string
}

// NewSecret returns a secret of 256 random bits, base64url, with the given
// prefix ("spk_" marks API tokens, so secret scanners can find leaked ones).
func NewSecret(prefix string) Secret {
	b := make([]byte, 32)
	rand.Read(b)
	plain := prefix + base64.RawURLEncoding.EncodeToString(b)
	return Secret{Plain: plain, Hash: HashSecret(plain)}
}

// HashSecret is how a presented secret is looked up: its SHA-256, hex. A
// random 256-bit secret needs no slow hash: it cannot be guessed from it.
func HashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// passwordAlphabet leaves out look-alikes (0/O, 1/l/I), so a one-time
// password read off a screen or a phone call is typed right.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewPassword returns a random password of 16 characters from
// passwordAlphabet: about 93 bits.
func NewPassword() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = passwordAlphabet[randIndex(len(passwordAlphabet))]
	}
	return string(b)
}

// randIndex returns a uniform random index below n by rejection sampling.
func randIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}
