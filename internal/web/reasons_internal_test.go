package web

import "testing"

func TestReasonText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ reason, zh, en string }{
		{"演示数据：期初入库", "演示数据：期初入库", "demo opening stock"},
		{"演示数据:期初入库 / demo opening stock", "演示数据：期初入库", "demo opening stock"},
		{"批准调度方案 #12", "批准调度方案 #12", "plan approved #12"},
		{"执行调度方案 #12", "执行调度方案 #12", "plan executed #12"},
		{"重新计算调度方案 #3", "重新计算调度方案 #3", "plan recomputed #3"},
		{"下达调拨单 #7 前置：房山区暴雨红色预警", "下达调拨单 #7 前置：房山区暴雨红色预警",
			"transfer ordered #7 pre-positioning: 房山区暴雨红色预警"},
		{"执行调拨单 #7 前置:房山区暴雨红色预警", "执行调拨单 #7 前置:房山区暴雨红色预警",
			"transfer executed #7 pre-positioning: 房山区暴雨红色预警"},
		{"取消调拨单 #7 补充库存", "取消调拨单 #7 补充库存", "transfer cancelled #7 补充库存"},
		{"前置：房山区暴雨红色预警", "前置：房山区暴雨红色预警", "pre-positioning: 房山区暴雨红色预警"},
		{"运单 #4 发车（调拨单 #2）", "运单 #4 发车（调拨单 #2）", "shipment #4 departed (order #2)"},
		{"运单 #4 签收（签收人 李站长）", "运单 #4 签收（签收人 李站长）", "shipment #4 received, signed by 李站长"},
		{"执行调拨单 #2 执行调度方案 #3（T-1）", "执行调拨单 #2 执行调度方案 #3（T-1）", "transfer executed #2 plan executed #3（T-1）"},
		{"现场发放：大台村 3 户", "现场发放：大台村 3 户", "distributed at the site to 大台村 3 户"},
		{"现场回收入库（用后完好）", "现场回收入库（用后完好）", "returned from the site（用后完好）"},
		{"退货入库", "退货入库", "退货入库"}, // a person's reason, as typed
		{"returned, see slip 12", "returned, see slip 12", "returned, see slip 12"},
	} {
		if got := reasonText(langZH, c.reason); got != c.zh {
			t.Errorf("zh %q: %q, want %q", c.reason, got, c.zh)
		}
		if got := reasonText(langEN, c.reason); got != c.en {
			t.Errorf("en %q: %q, want %q", c.reason, got, c.en)
		}
	}
}
