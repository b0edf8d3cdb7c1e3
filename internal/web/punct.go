package web

import (
	"unicode"
	"unicode/utf8"
)

// asciiPunctInChinese returns the byte offset of the first ASCII comma,
// colon, semicolon, parenthesis or question mark that sits next to a
// Chinese character or full-width punctuation in s, or -1: Chinese text
// takes ，：；（）？. Punctuation between codes, numbers, URLs or format
// verbs ("10:00", "%s:%s", "user:3") is left alone.
func asciiPunctInChinese(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', ':', ';', '(', ')', '?':
		default:
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+1:])
		if chinese(before) || chinese(after) {
			return i
		}
	}
	return -1
}

// chinese reports whether r is a Chinese character or CJK punctuation
// (、。「」（）， and the other full-width forms).
func chinese(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
