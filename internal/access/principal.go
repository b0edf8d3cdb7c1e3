// Package access says who acts and what they may do. Every change
// Stockpile records is the act of a [Principal], named by a stable id that
// goes into the ledger's hash chain and the audit trail. An [Actor] is a
// principal with its roles and scope; [Rules] is the one table of which
// role may take which [Action] how far, asked by the use cases (package
// ops) before they act and by the screens before they offer a button.
package access

import (
	"strings"
	"unicode"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Principal is who acts: a signed-in person ("user:42"), a partner system's
// token ("token:7"), the command line ("cli:root"), the system itself
// ("system:demo"), or, later, another Stockpile instance ("peer:tianjin").
//
// ID is stable and never reused for someone else: display names change,
// ids do not, so records name the id and look the name up when shown.
type Principal struct {
	ID string `json:"id"`
}

// Kinds of principal, the part of an ID before the colon. Anonymous has no
// colon: it is the whole id.
const (
	KindUser   = "user"
	KindToken  = "token"
	KindCLI    = "cli"
	KindSystem = "system"
	KindPeer   = "peer"
)

// AnonymousID is the id of whoever reaches the server without signing in.
const AnonymousID = "anonymous"

// MaxIDLength bounds a principal id; it is stored with every ledger entry.
const MaxIDLength = 128

// Anonymous is whoever acts over HTTP without signing in.
func Anonymous() Principal { return Principal{ID: AnonymousID} }

// CLI is the command line run by the operating-system user osUser ("root"
// when that cannot be told).
func CLI(osUser string) Principal {
	if strings.TrimSpace(osUser) == "" {
		osUser = "unknown"
	}
	return Principal{ID: KindCLI + ":" + sanitise(osUser)}
}

// System is Stockpile acting on its own account, such as loading the demo
// data; what names the job ("demo").
func System(what string) Principal { return Principal{ID: KindSystem + ":" + sanitise(what)} }

// sanitise keeps an id part to letters, digits and . _ - @, so that an id
// never carries spaces, colons or control characters into records.
func sanitise(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-@", r) {
			return r
		}
		return '_'
	}, s)
}

// Kind is the part of the id before the colon, or the whole id when it has
// none (anonymous).
func (p Principal) Kind() string {
	kind, _, _ := strings.Cut(p.ID, ":")
	return kind
}

func (p Principal) String() string { return p.ID }

// Validate checks that p names someone: a known kind, a non-empty rest,
// no spaces or control characters, at most MaxIDLength bytes.
func (p Principal) Validate() error {
	bad := apperr.New(apperr.Invalid, "principal.invalid", "操作人标识「%s」无效", "principal id %q is not valid", p.ID)
	if p.ID == AnonymousID {
		return nil
	}
	kind, rest, ok := strings.Cut(p.ID, ":")
	if !ok || rest == "" || len(p.ID) > MaxIDLength || sanitise(rest) != rest {
		return bad
	}
	switch kind {
	case KindUser, KindToken, KindCLI, KindSystem, KindPeer:
		return nil
	}
	return bad
}
