package tabular

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Text returns a cell's text without the spaces people leave around it
// (full-width and no-break spaces included).
func Text(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' || r == '\u00a0' || r == '\ufeff' ||
			r == '\u200b' || r == '\u2009' || r == '\u202f'
	})
}

// narrow is a cell's text trimmed, with full-width letters, digits and
// punctuation (Ａ１２３，．－) made half-width and minus signs made '-':
// what Number, Int, Date and the other readers of values parse.
func narrow(s string) string {
	t := Text(s)
	if isASCII(t) { // nothing to narrow nor replace: the common case, kept free of allocations
		return t
	}
	return minusAndSpaces.Replace(width.Narrow.String(t))
}

// minusAndSpaces makes minus signs '-' and the narrow and no-break spaces
// ' ', for narrow.
var minusAndSpaces = strings.NewReplacer("\u2212", "-", "\u2013", "-", "\u00a0", " ", "\u2009", " ", "\u202f", " ")

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// plainDecimal reports whether t is an ASCII decimal number without
// separators or exponent ([+-]digits[.digits]): what most cells hold, read
// without the regular expressions of number.
func plainDecimal(t string) bool {
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	digits, point := 0, false
	for ; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point && digits > 0:
			point = true
		default:
			return false
		}
	}
	return digits > 0 && t[len(t)-1] != '.'
}

var (
	// decimal is a plain decimal number, as Excel writes one (1.5E-05 too).
	decimal = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)
	// grouped is a number with thousands separators: 1,234 1,234,567.5.
	grouped = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$`)
	// spaced is a number grouped by spaces: 1 234 567.
	spaced = regexp.MustCompile(`^[+-]?\d{1,3}( \d{3})+(\.\d*)?$`)
)

// Number reads a decimal number: full-width digits, minus and point
// (－１２．５), thousands separators in threes (1,234, 1，234 and
// 1 234), exponents as Excel writes them (1.5E-05) and spaces around it
// are accepted; NaN, infinities and misplaced separators (1,23) are not.
func Number(s string) (float64, error) {
	f, ok := number(narrow(s))
	if !ok {
		return 0, apperr.New(apperr.Invalid, "cell.not_a_number", "「%s」不是数字", "%q is not a number", s)
	}
	return f, nil
}

// number parses a narrowed cell.
func number(t string) (float64, bool) {
	if plainDecimal(t) {
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil && !math.IsInf(f, 0)
	}
	if grouped.MatchString(t) || spaced.MatchString(t) {
		t = strings.NewReplacer(",", "", " ", "").Replace(t)
	}
	if !decimal.MatchString(t) {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	return f, err == nil && !math.IsInf(f, 0)
}

// maxExactInt is the largest whole number a float64 holds exactly (2⁵³).
const maxExactInt = 1 << 53

// Int reads a whole number, as Number does; a whole number written with a
// zero fraction (12.0, as some programs export 12) is accepted, 12.5 is
// not.
func Int(s string) (int64, error) {
	t := narrow(s)
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return n, nil
	}
	f, ok := number(t)
	if !ok || f != math.Trunc(f) || math.Abs(f) > maxExactInt {
		return 0, apperr.New(apperr.Invalid, "cell.not_an_integer", "「%s」不是整数", "%q is not a whole number", s)
	}
	return int64(f), nil
}

// Percent reads a share as a fraction (1 = 100%): "12.5%" (or ％) is
// 0.125, and a number without a percent sign is taken as the fraction
// itself, as Excel stores a cell formatted as a percentage (0.125).
func Percent(s string) (float64, error) {
	t := narrow(s)
	pct := strings.HasSuffix(t, "%")
	f, ok := number(Text(strings.TrimSuffix(t, "%")))
	if !ok {
		return 0, apperr.New(apperr.Invalid, "cell.not_a_percent", "「%s」不是百分数（如 12.5%%）", "%q is not a percentage (such as 12.5%%)", s)
	}
	if pct {
		f /= 100
	}
	return f, nil
}

// Excel serial day numbers Date accepts: 1 is 1900-01-01, 2958465 is
// 9999-12-31. 60 is the 1900-02-29 that Excel counts but the calendar
// does not have.
const (
	minSerial  = 1
	maxSerial  = 2958465
	leapSerial = 60
)

var (
	// ymd is a date by year, month and day: 2026-01-05, 2026/1/5,
	// 2026.1.5, 2026年1月5日 (年 月 日 written as \x{5e74} \x{6708}
	// \x{65e5}), optionally followed by a time.
	ymd = regexp.MustCompile(`^(\d{4})\s*[-/.\x{5e74}]\s*(\d{1,2})\s*[-/.\x{6708}]\s*(\d{1,2})\s*\x{65e5}?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	// compact is 20260105.
	compact = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	// serial is an Excel serial day number, with a time of day as its
	// fraction.
	serial = regexp.MustCompile(`^\d{1,7}(\.\d+)?$`)
)

// Date reads a date as YYYY-MM-DD: 2026-01-05, 2026/1/5, 2026.1.5,
// 2026年1月5日, 20260105 (any of them with a time after it, which is
// dropped), full-width digits, and Excel's serial day numbers (46027, and
// 46027.5 with a time), in the 1900 date system. The date must exist in
// the calendar (2026-02-30 does not).
func Date(s string) (string, error) {
	t := narrow(s)
	if d, ok := calendar(t); ok {
		return d.Format(time.DateOnly), nil
	}
	return "", apperr.New(apperr.Invalid, "cell.not_a_date", "「%s」不是日期（如 2026-01-05）", "%q is not a date (such as 2026-01-05)", s)
}

// calendar parses a narrowed cell as a date.
func calendar(t string) (time.Time, bool) {
	if y, m, d, ok := plainYMD(t); ok {
		return civil(y, m, d)
	}
	if m := compact.FindStringSubmatch(t); m != nil {
		return civil(m[1], m[2], m[3])
	}
	if serial.MatchString(t) {
		return fromSerial(t)
	}
	if m := ymd.FindStringSubmatch(strings.ReplaceAll(t, "｡", ".")); m != nil {
		return civil(m[1], m[2], m[3])
	}
	return time.Time{}, false
}

// plainYMD splits an ASCII date of year, month and day with no time,
// 2026-01-05 or 2026/1/5 or 2026.1.5, as ymd would, without the regular
// expression; ok is false for anything else.
func plainYMD(t string) (y, m, d string, ok bool) {
	if len(t) < 8 || len(t) > 10 || !allDigits(t[:4]) || !dateSep(t[4]) {
		return "", "", "", false
	}
	rest := t[5:]
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i < 1 || i > 2 || i >= len(rest) || !dateSep(rest[i]) {
		return "", "", "", false
	}
	m, d = rest[:i], rest[i+1:]
	if len(d) < 1 || len(d) > 2 || !allDigits(d) {
		return "", "", "", false
	}
	return t[:4], m, d, true
}

func dateSep(c byte) bool { return c == '-' || c == '/' || c == '.' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// civil is the date of year, month and day in digits, if it exists.
func civil(y, m, d string) (time.Time, bool) {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	return t, yy >= 1 && t.Year() == yy && int(t.Month()) == mm && t.Day() == dd
}

// fromSerial is the date of an Excel serial number in the 1900 date
// system, which counts a 29 February 1900 that never was: serials from 61
// on are days after 1899-12-30, those below 60 days after 1899-12-31.
func fromSerial(t string) (time.Time, bool) {
	f, err := strconv.ParseFloat(t, 64)
	day := int(math.Floor(f))
	if err != nil || day < minSerial || day > maxSerial || day == leapSerial {
		return time.Time{}, false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if day < leapSerial {
		base = base.AddDate(0, 0, 1)
	}
	return base.AddDate(0, 0, day), true
}

// Words Bool reads, lower case.
var (
	yes = []string{"是", "对", "有", "y", "yes", "true", "1", "√", "✓", "✔"}
	no  = []string{"否", "不", "错", "无", "n", "no", "false", "0", "×", "✗", "✘"}
)

// Bool reads yes or no: 是/否, Y/N, yes/no, true/false (any case), 1/0,
// and the marks √ and ×.
func Bool(s string) (bool, error) {
	t := strings.ToLower(narrow(s))
	for _, w := range yes {
		if t == w {
			return true, nil
		}
	}
	for _, w := range no {
		if t == w {
			return false, nil
		}
	}
	return false, apperr.New(apperr.Invalid, "cell.not_a_bool", "「%s」不是“是”或“否”", "%q is not yes or no", s)
}

// Pick reads one of choices by its value, Chinese or English label, or
// both labels as the template's drop-down list shows them ("市级 City").
// A shortened Chinese label, as people type it, is taken when it begins
// exactly one choice's label ("综合" for "综合库").
func Pick(s string, choices []Choice) (string, error) {
	t := Text(s)
	n := narrow(s)
	for _, c := range choices {
		if strings.EqualFold(n, c.Value) || t == c.ZH || strings.EqualFold(n, c.EN) || t == choiceLabel(c) {
			return c.Value, nil
		}
	}
	if v, ok := pickPrefix(t, choices); ok {
		return v, nil
	}
	var zh, en []string
	for _, c := range choices {
		zh, en = append(zh, c.ZH), append(en, c.EN)
	}
	return "", &apperr.Error{Kind: apperr.Invalid, Code: "cell.not_a_choice",
		ZH: fmt.Sprintf("「%s」不是可选值（%s）之一", s, strings.Join(zh, "、")),
		EN: fmt.Sprintf("%q is not one of %s", s, strings.Join(en, ", "))}
}

// pickPrefix finds the one choice whose Chinese label begins with t, a
// shortening of at least two characters; none when several do.
func pickPrefix(t string, choices []Choice) (string, bool) {
	if utf8.RuneCountInString(t) < 2 {
		return "", false
	}
	found := ""
	for _, c := range choices {
		if strings.HasPrefix(c.ZH, t) {
			if found != "" {
				return "", false
			}
			found = c.Value
		}
	}
	return found, found != ""
}

// choiceLabel is how the template lists a choice: "市级 City", or one
// label when the two are the same.
func choiceLabel(c Choice) string {
	if c.EN == c.ZH {
		return c.ZH
	}
	return strings.TrimSpace(c.ZH + " " + c.EN)
}
