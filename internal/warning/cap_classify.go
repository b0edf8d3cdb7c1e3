package warning

import (
	"fmt"
	"strings"
)

// hazardWords are the keywords that name each hazard, most specific hazard
// first: a freezing-rain warning is cold-snow, not flood. Chinese words
// match anywhere; English ones only at the start of a word, so "rain"
// matches "rainstorm" but not "terrain".
var hazardWords = []struct {
	hazard string
	zh, en []string
}{
	{HazardEarthquake, []string{"地震"}, []string{"earthquake", "seismic"}},
	{HazardHazmat, []string{"危化", "危险化学品"}, []string{"hazmat", "chemical"}},
	{HazardForestFire, []string{"森林火", "火险", "森林草原火"}, []string{"wildfire", "forest fire", "bushfire"}},
	{HazardColdSnow, []string{"寒潮", "暴雪", "低温", "冰冻", "结冰"}, []string{"snow", "cold", "blizzard", "freezing"}},
	{HazardFlood, []string{"暴雨", "洪水", "洪涝", "山洪", "内涝"}, []string{"flood", "rain"}},
}

// hazard names the info block's hazard: from an eventCode value that is a
// hazard name, else from keywords in the event, then the headline.
func (in capInfo) hazard() string {
	for _, ec := range in.EventCodes {
		v := strings.ToLower(strings.TrimSpace(ec.Value))
		if HazardNameZH(v) != "" {
			return v
		}
	}
	for _, text := range []string{in.Event, in.Headline} {
		if h := hazardOf(text); h != "" {
			return h
		}
	}
	return HazardGeneral
}

func hazardOf(text string) string {
	lower := strings.ToLower(text)
	for _, hw := range hazardWords {
		for _, w := range hw.zh {
			if strings.Contains(text, w) {
				return hw.hazard
			}
		}
		for _, w := range hw.en {
			if occurs(lower, w, wordStart) {
				return hw.hazard
			}
		}
	}
	return ""
}

// levelNames maps the ways a level is written, lower-cased and stripped of
// 级/色/预警, to the level.
var levelNames = map[string]int{
	"1": 1, "i": 1, "ⅰ": 1, "一": 1, "红": 1, "red": 1,
	"2": 2, "ii": 2, "ⅱ": 2, "二": 2, "橙": 2, "orange": 2,
	"3": 3, "iii": 3, "ⅲ": 3, "三": 3, "黄": 3, "yellow": 3,
	"4": 4, "iv": 4, "ⅳ": 4, "四": 4, "蓝": 4, "blue": 4,
}

var severityLevels = map[string]int{"extreme": 1, "severe": 2, "moderate": 3, "minor": 4}

// level reads the level parameter, or else maps the severity.
func (in capInfo) level(path string) (int, error) {
	for j, p := range in.Parameters {
		switch strings.ToLower(strings.TrimSpace(p.ValueName)) {
		case "level", "预警级别", "响应级别":
			if n, ok := parseLevel(p.Value); ok {
				return n, nil
			}
			return 0, capErr("cap.level", fmt.Sprintf("%s.parameter[%d].value", path, j),
				"预警级别「%s」无效：应为 1–4、Ⅰ–Ⅳ 或 红/橙/黄/蓝", "level %q is invalid: want 1–4, I–IV or red/orange/yellow/blue",
				clip(p.Value))
		}
	}
	sev := strings.TrimSpace(in.Severity)
	if n, ok := severityLevels[strings.ToLower(sev)]; ok {
		return n, nil
	}
	return 0, capErr("cap.severity", path+".severity",
		"无法确定预警级别：严重程度「%s」应为 Extreme、Severe、Moderate 或 Minor，或提供 level 参数",
		"cannot tell the level: severity %q must be Extreme, Severe, Moderate or Minor, or give a level parameter", clip(sev))
}

func parseLevel(v string) (int, bool) {
	s := strings.ToLower(strings.TrimSpace(v))
	s = strings.TrimPrefix(s, "level")
	s = strings.TrimSuffix(s, "预警")
	s = strings.TrimSuffix(s, "级")
	s = strings.TrimSuffix(s, "色")
	n, ok := levelNames[strings.TrimSpace(s)]
	return n, ok
}
