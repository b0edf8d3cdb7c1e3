package contact_test

import (
	"strings"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/contact"
)

func TestPhone(t *testing.T) {
	for _, p := range []string{"13800000000", "010-6512 3456", "+86 10 65123456", "(010)65123456转8001", "12345",
		"010-65123456 ext 12"} {
		if err := contact.CheckPhone("phone", p); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
	for _, p := range []string{"", "1234", "138-0000-000a", "电话", "1+3800000000", "123456789012345678901", "010转", "010转abc"} {
		if err := contact.CheckPhone("phone", p); apperr.CodeOf(err) != "contact.phone_invalid" {
			t.Errorf("%q: %v", p, err)
		}
	}
}

func TestEmail(t *testing.T) {
	if err := contact.CheckEmail("email", "sales@example.com"); err != nil {
		t.Error(err)
	}
	for _, e := range []string{"sales", "Sales <sales@example.com>", "a@b", "a b@example.com", "@example.com"} {
		if err := contact.CheckEmail("email", e); apperr.CodeOf(err) != "contact.email_invalid" {
			t.Errorf("%q: %v", e, err)
		}
	}
}

func TestIDNumbers(t *testing.T) {
	// The examples of GB 11643 and of the unified social credit code.
	if err := contact.CheckID("id", contact.IDPerson, "11010519491231002X"); err != nil {
		t.Error(err)
	}
	if err := contact.CheckID("id", contact.IDUnit, "91350100M000100Y43"); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		kind contact.IDKind
		id   string
	}{
		{contact.IDPerson, "110105194912310021"}, // wrong check digit
		{contact.IDPerson, "11010519491231002"},  // 17
		{contact.IDPerson, "1101051949123100AX"},
		{contact.IDUnit, "91350100M000100Y44"},
		{contact.IDUnit, "91350100I000100Y43"}, // I is not in the alphabet
		{contact.IDUnit, "11010519491231002X"},
		{"other", "91350100M000100Y43"},
	} {
		err := contact.CheckID("owner.id_number", c.kind, c.id)
		if e, ok := apperr.As(err); !ok || e.Code != "contact.id_invalid" || e.Field != "owner.id_number" {
			t.Errorf("%s %q: %v", c.kind, c.id, err)
		}
	}
}

func TestText(t *testing.T) {
	if err := contact.CheckText("note", "备注", strings.Repeat("字", 10), 10); err != nil {
		t.Error(err)
	}
	err := contact.CheckText("note", "备注", strings.Repeat("字", 11), 10)
	if e, ok := apperr.As(err); !ok || e.Code != "contact.text_invalid" || e.Field != "note" ||
		e.EN != "note must be text of at most 10 characters" || e.ZH != "备注须为不超过 10 个字符的文字" {
		t.Errorf("too long: %#v", err)
	}
	if err := contact.CheckText("note", "备注", "a\x00b", 10); apperr.CodeOf(err) != "contact.text_invalid" {
		t.Errorf("NUL: %v", err)
	}
}
