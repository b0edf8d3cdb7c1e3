// Package contact checks how people and organisations are reached and
// named in the records that hold them: telephone numbers, e-mail
// addresses, and the identity numbers of a person (居民身份证号码,
// GB 11643) or an organisation (统一社会信用代码, GB 32100). The supplier
// directory and requisition records use it.
package contact

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// CheckPhone refuses a telephone number that is not 5 to 20 digits, with
// spaces, hyphens, parentheses and a leading + between them, and an
// optional extension after "转" or "ext": 13800000000, 010-6512 3456,
// +86 10 65123456, (010)65123456转8001.
func CheckPhone(field, s string) error {
	bad := apperr.New(apperr.Invalid, "contact.phone_invalid",
		"电话「%s」格式错误：应为 5 到 20 位数字，可含空格、-、括号、开头的 + 和分机号（转）",
		"phone %q is malformed: want 5 to 20 digits, with spaces, hyphens, parentheses, a leading + and an extension", s).
		WithField(field)
	t := strings.TrimSpace(s)
	main, ext := t, ""
	for _, sep := range []string{"转", "ext.", "ext", "x"} {
		if m, e, ok := strings.Cut(t, sep); ok {
			main, ext = m, strings.TrimSpace(e)
			break
		}
	}
	if ext != "" && (len(ext) > 6 || strings.Trim(ext, "0123456789") != "") {
		return bad
	}
	digits := 0
	for i, r := range strings.TrimSpace(main) {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return bad
		}
	}
	if digits < 5 || digits > 20 {
		return bad
	}
	return nil
}

// CheckEmail refuses an e-mail address that is not a bare address
// (name@domain, no display name).
func CheckEmail(field, s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		return apperr.New(apperr.Invalid, "contact.email_invalid", "电子邮箱「%s」格式错误，应如 name@example.com",
			"e-mail address %q is malformed: want such as name@example.com", s).WithField(field)
	}
	return nil
}

// CheckText refuses text that is not valid UTF-8 or holds more than max
// characters; nameZH names the field in the message.
func CheckText(field, nameZH, s string, max int) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) > max {
		return apperr.New(apperr.Invalid, "contact.text_invalid", "%[1]s须为不超过 %[3]d 个字符的文字",
			"%[2]s must be text of at most %[3]d characters", nameZH, field, max).WithField(field)
	}
	return nil
}

// IDKind is what sort of identity number a holder has.
type IDKind string

const (
	IDPerson IDKind = "person" // 居民身份证号码: 18 characters, the last a check digit or X
	IDUnit   IDKind = "unit"   // 统一社会信用代码: 18 characters, the last a check character
)

// CheckID refuses an identity number that is malformed or whose check
// character is wrong: a person's 18-character resident identity number
// (GB 11643, ISO 7064 MOD 11-2) or an organisation's unified social
// credit code (GB 32100, MOD 31). A typo is caught before it reaches a
// compensation voucher.
func CheckID(field string, kind IDKind, s string) error {
	var ok bool
	switch kind {
	case IDPerson:
		ok = personIDValid(s)
	case IDUnit:
		ok = creditCodeValid(s)
	}
	if ok {
		return nil
	}
	if kind == IDPerson {
		return apperr.New(apperr.Invalid, "contact.id_invalid",
			"身份证号码「%s」无效：应为 18 位，末位为校验码（数字或 X）", "resident identity number %q is invalid: "+
				"want 18 characters ending in the check digit (a digit or X)", s).WithField(field)
	}
	return apperr.New(apperr.Invalid, "contact.id_invalid",
		"统一社会信用代码「%s」无效：应为 18 位数字或大写字母（不含 I、O、Z、S、V），末位为校验码",
		"unified social credit code %q is invalid: want 18 digits or capital letters (no I, O, Z, S, V) "+
			"ending in the check character", s).WithField(field)
}

// personIDValid checks a GB 11643 resident identity number.
func personIDValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * weights[i]
	}
	return s[17] == "10X98765432"[sum%11]
}

// creditAlphabet is the characters of a unified social credit code in the
// order of their values (GB 32100-2015 table 1).
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeValid checks a GB 32100 unified social credit code.
func creditCodeValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditAlphabet, s[i])
		if v < 0 {
			return false
		}
		sum += v * weights[i]
	}
	return s[17] == creditAlphabet[(31-sum%31)%31]
}
