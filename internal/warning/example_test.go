package warning_test

import (
	"fmt"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/warning"
)

func ExampleParseCAP() {
	districts := []warning.AreaRef{
		{Code: "110109", NameZH: "门头沟区", NameEN: "Mentougou District", Point: geo.Point{Lon: 116.0991, Lat: 39.9358}},
		{Code: "110111", NameZH: "房山区", NameEN: "Fangshan District", Point: geo.Point{Lon: 116.1329, Lat: 39.7342}},
	}
	alert := `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>example-1</identifier>
  <sender>北京市气象台</sender>
  <sent>2026-07-30T07:55:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <headline>北京市气象台发布暴雨橙色预警信号</headline>
    <area><areaDesc>房山区、门头沟区</areaDesc></area>
  </info>
</alert>`
	w, err := warning.ParseCAP([]byte(alert), districts)
	if err != nil {
		e, _ := apperr.As(err)
		fmt.Println(e.Code, e.Field, e.ZH)
		return
	}
	fmt.Println(w.Hazard, warning.HazardNameZH(w.Hazard), w.Level, w.Areas)
	// Output: flood 暴雨洪涝 2 [110109 110111]
}
