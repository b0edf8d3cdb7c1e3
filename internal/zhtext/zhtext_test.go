package zhtext_test

import (
	"testing"

	"github.com/stockpile-dev/stockpile/internal/zhtext"
)

func TestASCIIPunctAndFullWidth(t *testing.T) {
	for in, want := range map[string]string{
		"状态:%s,%s 行":          "状态：%s,%s 行",
		"10:00 开始":            "10:00 开始",
		"user:3":              "user:3",
		"单帐篷(12 平方米)":         "单帐篷（12 平方米）",
		"GB/T 38565,城市":       "GB/T 38565，城市",
		"%s:%s":               "%s:%s",
		"确定?":                 "确定？",
		"(assumption) 区级":     "(assumption) 区级",
		"see (docs) 与 (a, b)": "see (docs) 与 (a, b)",
	} {
		got := zhtext.FullWidth(in)
		if got != want {
			t.Errorf("FullWidth(%q) = %q, want %q", in, got, want)
		}
		if zhtext.ASCIIPunct(got) >= 0 {
			t.Errorf("FullWidth(%q) = %q still has ASCII punctuation in Chinese text", in, got)
		}
	}
	if zhtext.ASCIIPunct("状态:好") != len("状态") {
		t.Error("ASCIIPunct misses a colon after Chinese")
	}
}
