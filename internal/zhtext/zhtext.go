// Package zhtext holds the rules of Chinese text on Stockpile's screens
// and in its messages: Chinese text takes full-width punctuation
// (，：；（）？), so an ASCII comma, colon, semicolon, parenthesis or
// question mark next to a Chinese character is a typo to a Chinese reader.
// Punctuation between codes, numbers, URLs or format verbs ("10:00",
// "%s:%s", "user:3") is left alone.
package zhtext

import (
	"unicode"
	"unicode/utf8"
)

// full maps ASCII punctuation to its full-width form.
var full = map[rune]rune{',': '，', ':': '：', ';': '；', '(': '（', ')': '）', '?': '？'}

// Chinese reports whether r is a Chinese character or CJK punctuation
// (、。「」（）， and the other full-width forms).
func Chinese(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// ASCIIPunct returns the byte offset of the first ASCII , : ; ( ) ? that
// sits next to a Chinese character or full-width punctuation in s, or -1.
func ASCIIPunct(s string) int {
	for i := 0; i < len(s); i++ {
		if _, ok := full[rune(s[i])]; !ok {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+1:])
		if Chinese(before) || Chinese(after) {
			return i
		}
	}
	return -1
}

// FullWidth returns s with every punctuation mark ASCIIPunct finds made
// full-width, and the partner of a parenthesis so changed too, so that
// "（" never closes with ")".
func FullWidth(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		f, ok := full[r]
		if !ok {
			continue
		}
		if (i > 0 && Chinese(rs[i-1])) || (i+1 < len(rs) && Chinese(rs[i+1])) {
			rs[i] = f
		}
	}
	var open []int
	for i, r := range rs {
		switch r {
		case '(', '（':
			open = append(open, i)
		case ')', '）':
			if len(open) == 0 {
				continue
			}
			o := open[len(open)-1]
			open = open[:len(open)-1]
			if rs[o] == '（' || r == '）' {
				rs[o], rs[i] = '（', '）'
			}
		}
	}
	return string(rs)
}
