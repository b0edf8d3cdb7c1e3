package demo

import (
	"strings"

	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/depot"
)

// rule says how a stocking profile holds one item of the default catalogue.
type rule struct {
	item   string  // item code
	weight float64 // bulk item: its relative share of the depot's unit budget
	lo, hi int64   // big item: a count drawn from [lo, hi], outside the budget
	opt    bool    // held by some depots of the profile, not all
	hilly  bool    // held only where the terrain is mountain or mixed
}

// bulk is an item held by the hundred or thousand: its quantity is a share
// of the depot's budget, scaled with the depot's capacity.
func bulk(item string, weight float64) rule { return rule{item: item, weight: weight} }

// few is a big item (a machine, a vehicle, a boat) held by the handful.
func few(item string, lo, hi int64) rule { return rule{item: item, lo: lo, hi: hi} }

// maybe marks a rule as optional.
func (r rule) maybe() rule { r.opt = true; return r }

// hills limits a rule to depots in mountain or mixed terrain (forest-fire
// gear).
func (r rule) hills() rule { r.hilly = true; return r }

// profile is how one sort of depot is stocked.
type profile struct {
	name string
	// budget is the number of bulk units held by a depot of refCap m³;
	// bigger depots hold more, but less than in proportion (see capFactor).
	// For street points the budget is 0 and each bulk weight is the typical
	// quantity of that item.
	budget, refCap float64
	// minItems and maxItems bound the number of items a street point holds:
	// all the required rules, then optional ones drawn at random.
	minItems, maxItems int
	rules              []rule
}

// optOdds is the chance that a depot of a city or district profile holds an
// optional item.
const optOdds = 0.6

// Life-support items of a city relief depot (市级救灾物资储备库, run by the
// grain and reserves bureau): shelter, bedding, clothing, water, food and
// what a settlement site needs.
var reliefProfile = &profile{name: "relief", budget: 230_000, refCap: 40_000, rules: []rule{
	bulk("1010101", 20000),         // 单帐篷
	bulk("1010102", 8000),          // 棉帐篷
	bulk("1010103", 500),           // 集中安置帐篷
	bulk("1010201", 25000),         // 折叠床
	bulk("1010202", 3000).maybe(),  // 高低床
	bulk("1010203", 20000),         // 防潮垫
	bulk("1020101", 50000),         // 棉被
	bulk("1020102", 25000),         // 毛毯
	bulk("1020103", 15000).maybe(), // 毛巾被
	bulk("1020104", 12000),         // 睡袋
	bulk("1020105", 15000).maybe(), // 棉褥子
	bulk("1020201", 20000),         // 棉大衣
	bulk("1020202", 8000).maybe(),  // 冲锋衣
	bulk("1020203", 8000).maybe(),  // 夹克衫
	bulk("1020204", 8000),          // 棉鞋
	bulk("1030101", 25000),         // 瓶装饮用水
	bulk("1030102", 12000),         // 应急饮用水
	few("1030103", 4, 12),          // 应急净水设备
	bulk("1030201", 15000),         // 压缩饼干
	bulk("1030202", 6000),          // 自热米饭
	bulk("1030203", 8000).maybe(),  // 方便面
	bulk("1030204", 5000).maybe(),  // 午餐肉罐头
	bulk("1040101", 200),           // 场地照明灯
	bulk("1040102", 8000),          // 手摇充电电筒
	bulk("1040103", 6000).maybe(),  // 应急照明灯
	bulk("1040201", 2500),          // 取暖炉
	bulk("1040202", 1200).maybe(),  // 电暖器
	few("1040301", 2, 6),           // 移动炊事车
	bulk("1050101", 150),           // 移动厕所
	bulk("1050102", 200).maybe(),   // 软体储水罐
	bulk("1050201", 1500),          // 含氯消毒液
	bulk("1050202", 4000).maybe(),  // 消毒泡腾片
	bulk("1050203", 400).maybe(),   // 背负式喷雾器
	bulk("1050301", 30000).maybe(), // 医用外科口罩
	bulk("1050302", 1500).maybe(),  // 一次性医用手套
	bulk("1060101", 8000),          // 家庭应急包
	bulk("1060102", 12000),         // 个人洗漱包
	bulk("1060201", 800).maybe(),   // 婴幼儿配方奶粉
	bulk("1060202", 1500).maybe(),  // 婴儿纸尿裤
	bulk("1060203", 1500).maybe(),  // 成人纸尿裤
	bulk("1060204", 2500).maybe(),  // 女性卫生用品
	bulk("1060205", 150).maybe(),   // 轮椅
}}

// Daily necessities of a commerce-bureau reserve point (生活必需品政府储备).
var necessitiesProfile = &profile{name: "necessities", budget: 100_000, refCap: 20_000, rules: []rule{
	bulk("1030101", 60000),         // 瓶装饮用水
	bulk("1030102", 15000).maybe(), // 应急饮用水
	bulk("1030201", 20000),         // 压缩饼干
	bulk("1030202", 15000),         // 自热米饭
	bulk("1030203", 30000),         // 方便面
	bulk("1030204", 12000),         // 午餐肉罐头
	bulk("1060102", 8000),          // 个人洗漱包
	bulk("1060201", 2500),          // 婴幼儿配方奶粉
	bulk("1060202", 4000),          // 婴儿纸尿裤
	bulk("1060203", 2500).maybe(),  // 成人纸尿裤
	bulk("1060204", 5000),          // 女性卫生用品
	bulk("1050301", 20000).maybe(), // 医用外科口罩
	bulk("1050302", 1500).maybe(),  // 一次性医用手套
}}

// floodRules stock a flood depot (防汛物资储备库): water rescue, drainage
// and flood-fighting materials, and the few machines to place them.
var floodRules = []rule{
	bulk("2010102", 5000),          // 防汛雨衣
	bulk("2010301", 5000),          // 防汛胶靴
	bulk("2010201", 2000).maybe(),  // 救援头盔
	bulk("2020101", 5000),          // 救生衣
	bulk("2020102", 1500),          // 救生圈
	few("2020103", 4, 16),          // 救生抛投器
	bulk("2020104", 800),           // 水上救援抛绳包
	few("2040101", 3, 12),          // 冲锋舟
	few("2040102", 6, 24),          // 橡皮艇
	few("2040103", 3, 12),          // 舷外机
	few("2050101", 1, 4),           // 移动泵站
	few("2050102", 3, 12),          // 排涝泵
	bulk("2050103", 300),           // 潜水泵
	bulk("2050104", 8000),          // 排水软管 (m)
	bulk("2050201", 4000),          // 铁锹
	few("2060101", 1, 6),           // 移动照明灯塔
	bulk("2060102", 200),           // 便携式强光工作灯
	few("2070101", 2, 10).maybe(),  // 卫星电话
	bulk("2070102", 200).maybe(),   // 对讲机
	few("2080101", 1, 6),           // 柴油发电机组
	bulk("2080102", 80),            // 汽油发电机
	bulk("3010101", 100000),        // 编织袋
	bulk("3010102", 20000),         // 防汛麻袋
	bulk("3010103", 3000),          // 吨袋
	bulk("3010104", 10000).maybe(), // 吸水膨胀袋
	bulk("3010201", 20000),         // 土工布 (m²)
	bulk("3010202", 10000).maybe(), // 土工膜 (m²)
	bulk("3010203", 20000),         // 彩条布 (m²)
	bulk("3010301", 5000),          // 木桩
	bulk("3010302", 1000),          // 铅丝石笼
	bulk("3010303", 3000),          // 铅丝 (kg)
	bulk("3020102", 2000).maybe(),  // 钢丝绳 (m)
	bulk("3020201", 6000),          // 砂石料 (t)
	bulk("3020202", 6000),          // 块石 (t)
	few("3030101", 1, 3).maybe(),   // 挖掘机
	few("3030102", 1, 2).maybe(),   // 装载机
	few("3030202", 1, 4).maybe(),   // 自卸汽车
}

var (
	floodCityProfile     = &profile{name: "flood", budget: 190_000, refCap: 40_000, rules: floodRules}
	floodDistrictProfile = &profile{name: "flood", budget: 32_000, refCap: 5_000, rules: floodRules}
)

// comprehensiveRules stock a comprehensive depot (综合应急物资储备库): the
// core of life support, rescue and protective equipment, some flood
// materials, forest-fire gear where there are hills, and a few machines.
var comprehensiveRules = []rule{
	bulk("1010101", 1500),                // 单帐篷
	bulk("1010102", 500).maybe(),         // 棉帐篷
	bulk("1010103", 30).maybe(),          // 集中安置帐篷
	bulk("1010201", 2000),                // 折叠床
	bulk("1010203", 2000).maybe(),        // 防潮垫
	bulk("1020101", 4000),                // 棉被
	bulk("1020102", 2000).maybe(),        // 毛毯
	bulk("1020104", 1000).maybe(),        // 睡袋
	bulk("1020201", 1500).maybe(),        // 棉大衣
	bulk("1030101", 2000),                // 瓶装饮用水
	bulk("1030102", 1000).maybe(),        // 应急饮用水
	bulk("1030201", 1500),                // 压缩饼干
	bulk("1030202", 600).maybe(),         // 自热米饭
	bulk("1030203", 800).maybe(),         // 方便面
	bulk("1040102", 800),                 // 手摇充电电筒
	bulk("1040103", 500).maybe(),         // 应急照明灯
	bulk("1040201", 200).maybe(),         // 取暖炉
	few("1050101", 2, 10).maybe(),        // 移动厕所
	bulk("1050201", 200).maybe(),         // 含氯消毒液
	bulk("1050202", 300).maybe(),         // 消毒泡腾片
	bulk("1050301", 5000).maybe(),        // 医用外科口罩
	bulk("1060101", 800).maybe(),         // 家庭应急包
	bulk("1060102", 800).maybe(),         // 个人洗漱包
	bulk("2010101", 500).maybe(),         // 医用防护服
	bulk("2010102", 600),                 // 防汛雨衣
	bulk("2010201", 300),                 // 救援头盔
	bulk("2010202", 2000).maybe(),        // 颗粒物防护口罩
	bulk("2010301", 400),                 // 防汛胶靴
	bulk("2020101", 500),                 // 救生衣
	bulk("2020102", 100).maybe(),         // 救生圈
	bulk("2020104", 100).maybe(),         // 水上救援抛绳包
	few("2020201", 1, 3).maybe(),         // 雷达生命探测仪
	few("2020202", 1, 3).maybe(),         // 音视频生命探测仪
	few("2020301", 1, 6).maybe(),         // 破拆工具组
	few("2020302", 1, 6).maybe(),         // 液压扩张器
	few("2020303", 1, 6).maybe(),         // 液压剪切器
	few("2020304", 1, 4).maybe(),         // 起重气垫
	bulk("2020305", 30).maybe(),          // 油锯
	bulk("2030101", 200),                 // 急救箱
	bulk("2030102", 80),                  // 折叠担架
	few("2040102", 1, 6).maybe(),         // 橡皮艇
	few("2050102", 1, 4).maybe(),         // 排涝泵
	bulk("2050103", 60),                  // 潜水泵
	bulk("2050104", 1500).maybe(),        // 排水软管 (m)
	bulk("2050201", 800),                 // 铁锹
	few("2060101", 1, 2).maybe(),         // 移动照明灯塔
	bulk("2060102", 50),                  // 便携式强光工作灯
	few("2070101", 2, 8),                 // 卫星电话
	bulk("2070102", 60),                  // 对讲机
	few("2070201", 1, 2).maybe(),         // 便携式卫星通信站
	few("2070202", 1, 1).maybe(),         // 应急通信车
	few("2070203", 1, 4).maybe(),         // 侦察无人机
	few("2080101", 1, 3),                 // 柴油发电机组
	bulk("2080102", 20),                  // 汽油发电机
	bulk("2090101", 50).hills(),          // 风力灭火机
	bulk("2090102", 300).hills().maybe(), // 灭火弹
	bulk("2090103", 300).hills(),         // 二号工具
	bulk("2090104", 100).hills(),         // 背负式水枪
	bulk("2090105", 200),                 // 干粉灭火器
	bulk("3010101", 8000),                // 编织袋
	bulk("3010102", 1000).maybe(),        // 防汛麻袋
	bulk("3010104", 1000).maybe(),        // 吸水膨胀袋
	bulk("3010201", 1500).maybe(),        // 土工布 (m²)
	bulk("3010203", 2000),                // 彩条布 (m²)
	bulk("3010301", 200).maybe(),         // 木桩
	bulk("3020101", 500).maybe(),         // 钢管 (m)
	bulk("3020103", 10).maybe(),          // 钢板 (t)
	bulk("3020201", 300).maybe(),         // 砂石料 (t)
	bulk("3020203", 20).maybe(),          // 水泥 (t)
	few("3030101", 1, 2).maybe(),         // 挖掘机
	few("3030102", 1, 2).maybe(),         // 装载机
	few("3030201", 1, 1).maybe(),         // 汽车起重机
	few("3030202", 1, 3).maybe(),         // 自卸汽车
	few("3040101", 1, 3).maybe(),         // 电焊机
	few("3040102", 1, 4).maybe(),         // 砂轮切割机
	few("3040201", 1, 2).maybe(),         // 空气压缩机
}

var (
	comprehensiveCityProfile     = &profile{name: "comprehensive", budget: 160_000, refCap: 60_000, rules: comprehensiveRules}
	comprehensiveDistrictProfile = &profile{name: "comprehensive", budget: 30_000, refCap: 7_000, rules: comprehensiveRules}
)

// streetProfile stocks a street or township reserve point (街道/乡镇储备点):
// the eight required items, then optional ones up to 8–15 in all, each by
// the dozen or the hundred.
var streetProfile = &profile{name: "street", minItems: 8, maxItems: 15, rules: []rule{
	bulk("1020101", 60),                  // 棉被
	bulk("1030101", 40),                  // 瓶装饮用水
	bulk("1030201", 40),                  // 压缩饼干
	bulk("1040102", 30),                  // 手摇充电电筒
	bulk("2010102", 40),                  // 防汛雨衣
	bulk("2030101", 10),                  // 急救箱
	bulk("2050201", 30),                  // 铁锹
	bulk("3010101", 300),                 // 编织袋
	bulk("1010101", 10).maybe(),          // 单帐篷
	bulk("1010201", 30).maybe(),          // 折叠床
	bulk("1010203", 40).maybe(),          // 防潮垫
	bulk("1020102", 40).maybe(),          // 毛毯
	bulk("1020104", 20).maybe(),          // 睡袋
	bulk("1020201", 30).maybe(),          // 棉大衣
	bulk("1040103", 20).maybe(),          // 应急照明灯
	bulk("1060101", 30).maybe(),          // 家庭应急包
	bulk("2010201", 20).maybe(),          // 救援头盔
	bulk("2010301", 30).maybe(),          // 防汛胶靴
	bulk("2020101", 30).maybe(),          // 救生衣
	bulk("2020102", 10).maybe(),          // 救生圈
	bulk("2020104", 10).maybe(),          // 水上救援抛绳包
	few("2030102", 2, 4).maybe(),         // 折叠担架
	few("2050103", 1, 4).maybe(),         // 潜水泵
	few("2060102", 2, 6).maybe(),         // 便携式强光工作灯
	bulk("2070102", 10).maybe(),          // 对讲机
	few("2080102", 1, 2).maybe(),         // 汽油发电机
	bulk("3010102", 100).maybe(),         // 防汛麻袋
	bulk("3010203", 200).maybe(),         // 彩条布 (m²)
	few("2020305", 1, 2).maybe(),         // 油锯
	bulk("2090105", 20).maybe(),          // 干粉灭火器
	bulk("2090103", 40).hills().maybe(),  // 二号工具
	few("2090101", 2, 6).hills().maybe(), // 风力灭火机
	bulk("2090104", 10).hills().maybe(),  // 背负式水枪
}}

// profileFor chooses how a depot is stocked from its tier, kind and holder:
//   - street and community points: streetProfile;
//   - comprehensive depots: comprehensive (city or district scale);
//   - special depots of the grain and reserves bureau: relief;
//   - special depots of the commerce bureau: daily necessities;
//   - special depots of the water authority, or named 防汛: flood;
//   - any other special depot: comprehensive.
func profileFor(d depot.Depot) *profile {
	city := d.Tier == area.LevelCity
	switch {
	case d.Tier.Rank() >= area.LevelStreet.Rank():
		return streetProfile
	case d.Kind == depot.KindSpecial && d.OrgCode == "BJ-GRAIN":
		return reliefProfile
	case d.Kind == depot.KindSpecial && d.OrgCode == "BJ-COMMERCE":
		return necessitiesProfile
	case d.Kind == depot.KindSpecial && (d.OrgCode == "BJ-WATER" || strings.Contains(d.NameZH, "防汛")):
		if city {
			return floodCityProfile
		}
		return floodDistrictProfile
	case city:
		return comprehensiveCityProfile
	}
	return comprehensiveDistrictProfile
}
