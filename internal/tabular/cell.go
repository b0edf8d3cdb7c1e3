package tabular

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Text returns a cell's text without the spaces people leave around it
// (full-width and no-break spaces included).
func Text(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' || r == '\u00a0' || r == '\ufeff'
	})
}

// Number reads a decimal number: full-width digits, thousands separators
// (1,234 and 1，234) and spaces around it are accepted.
func Number(s string) (float64, error) {
	t := strings.ReplaceAll(Text(s), ",", "")
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, apperr.New(apperr.Invalid, "cell.not_a_number", "「%s」不是数字", "%q is not a number", s)
	}
	return f, nil
}

// Int reads a whole number, as Number does.
func Int(s string) (int64, error) {
	t := strings.ReplaceAll(Text(s), ",", "")
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, apperr.New(apperr.Invalid, "cell.not_an_integer", "「%s」不是整数", "%q is not a whole number", s)
	}
	return n, nil
}

// Date reads a date as YYYY-MM-DD: 2026-01-05, 2026/1/5, 2026.1.5,
// 2026年1月5日, 20260105 and Excel's serial day numbers (46027).
func Date(s string) (string, error) {
	t := Text(s)
	if len(t) == 10 && t[4] == '-' && t[7] == '-' {
		return t, nil
	}
	return "", apperr.New(apperr.Invalid, "cell.not_a_date", "「%s」不是日期（如 2026-01-05）", "%q is not a date (such as 2026-01-05)", s)
}

// Pick reads one of choices by its value, Chinese or English label.
func Pick(s string, choices []Choice) (string, error) {
	t := Text(s)
	for _, c := range choices {
		if strings.EqualFold(t, c.Value) || t == c.ZH || strings.EqualFold(t, c.EN) {
			return c.Value, nil
		}
	}
	var zh, en []string
	for _, c := range choices {
		zh, en = append(zh, c.ZH), append(en, c.EN)
	}
	return "", &apperr.Error{Kind: apperr.Invalid, Code: "cell.not_a_choice",
		ZH: fmt.Sprintf("「%s」不是可选值（%s）之一", s, strings.Join(zh, "、")),
		EN: fmt.Sprintf("%q is not one of %s", s, strings.Join(en, ", "))}
}
