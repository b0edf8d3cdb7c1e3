package web

import (
	"regexp"
	"strings"
)

// The ledger stores the reasons the system writes in Chinese only; an
// English screen shows them translated by this table, keyed by the start
// of the Chinese reason. Reasons people type are shown as typed.
var systemReasons = []struct{ zh, en string }{
	// Legacy: the demo once stored its reason in both languages.
	{"演示数据:期初入库 / demo opening stock", "demo opening stock"},
	{"演示数据：期初入库", "demo opening stock"},
	{"批准调度方案", "plan approved"},
	{"执行调度方案", "plan executed"},
	{"取消调度方案", "plan cancelled"},
	{"重新计算调度方案", "plan recomputed"},
	{"下达调拨单", "transfer ordered"},
	{"执行调拨单", "transfer executed"},
	{"取消调拨单", "transfer cancelled"},
	{"前置：", "pre-positioning: "},
	{"前置:", "pre-positioning: "},
	// Site uses (site.Use.Posting): the kind, then who received or why.
	{"现场发放：", "distributed at the site to "},
	{"现场发放", "distributed at the site"},
	{"现场消耗核销", "written off as used at the site"},
	{"现场回收入库", "returned from the site"},
}

// systemPatterns are the system's reasons with numbers or names inside,
// translated whole: a shipment's departure (shipment.Shipment.Act) and
// receipt (shipment.Shipment.Receive).
var systemPatterns = []struct {
	zh *regexp.Regexp
	en string
}{
	{regexp.MustCompile(`^运单 #(\d+) 发车（调拨单 #(\d+)）$`), "shipment #$1 departed (order #$2)"},
	{regexp.MustCompile(`^运单 #(\d+) 签收（签收人 (.*)）$`), "shipment #$1 received, signed by $2"},
}

// legacyReasonsZH are reasons once stored in both languages, shown in
// Chinese on Chinese screens.
var legacyReasonsZH = map[string]string{
	"演示数据:期初入库 / demo opening stock": "演示数据：期初入库",
}

// orderReason finds, in a transfer's ledger reason ("下达调拨单 #7 前置:…"),
// where the order's own reason starts.
var orderReason = regexp.MustCompile(`^[^#]*#\d+ `)

// reasonText is a ledger reason as a screen in lang shows it: a system
// reason translated on English screens, a person's reason as typed.
func reasonText(lang, reason string) string {
	if lang != langEN {
		if zh, ok := legacyReasonsZH[reason]; ok {
			return zh
		}
		return reason
	}
	out, ok := translateReason(reason)
	if !ok {
		return reason
	}
	// A transfer's reason ends with its order's reason, itself perhaps
	// written by the system (pre-positioning).
	if loc := orderReason.FindStringIndex(out); loc != nil {
		if tail, ok := translateReason(out[loc[1]:]); ok {
			out = out[:loc[1]] + tail
		}
	}
	return out
}

// translateReason replaces a system reason's Chinese start with English.
func translateReason(reason string) (string, bool) {
	for _, p := range systemPatterns {
		if p.zh.MatchString(reason) {
			return p.zh.ReplaceAllString(reason, p.en), true
		}
	}
	for _, r := range systemReasons {
		if strings.HasPrefix(reason, r.zh) {
			return r.en + reason[len(r.zh):], true
		}
	}
	return reason, false
}
