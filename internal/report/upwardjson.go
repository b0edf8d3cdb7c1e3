package report

import (
	"time"

	"github.com/stockpile-dev/stockpile/internal/catalog"
	"github.com/stockpile-dev/stockpile/internal/cst"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// UpwardSchemaID names the JSON form of the report to the level above and
// its version; the schema is schema/report-upward.v1.json.
const UpwardSchemaID = "https://stockpile.dev/schemas/report-upward/v1"

// UpwardMessage is the report to the level above as a JSON message (上报
// 报文), for a province-level system, or another Stockpile, to take in: the
// same figures as the workbook, by field rather than by cell. Its schema
// is schema/report-upward.v1.json; it travels signed (SignJWS).
type UpwardMessage struct {
	Schema   string              `json:"$schema"`
	Unit     string              `json:"unit"`  // 填报单位
	Date     string              `json:"date"`  // 填报日期, China's date
	AsOf     string              `json:"as_of"` // RFC 3339 in China time
	Columns  []UpwardColumnJSON  `json:"columns"`
	Items    []UpwardItemJSON    `json:"items"`
	Classes  []UpwardClassJSON   `json:"classes"` // 小计 per class
	Total    []stock.Quantity    `json:"total"`   // 汇总 per column, then the sum
	Reserves []UpwardReserveJSON `json:"reserves"`
	// Period is the span of Used: China's dates, both included.
	Period    UpwardPeriodJSON     `json:"period"`
	Used      []UpwardUsedJSON     `json:"used"`
	Incidents []UpwardIncidentJSON `json:"open_incidents"`
	Readiness UpwardReadinessJSON  `json:"readiness"`
}

// UpwardReadinessJSON is the readiness of the unit's districts for a
// hazard's level Ⅱ event.
type UpwardReadinessJSON struct {
	Hazard    string                    `json:"hazard"`
	Districts []UpwardDistrictReadiness `json:"districts"`
}

// UpwardDistrictReadiness is one district's: shares from 0 to 1.
type UpwardDistrictReadiness struct {
	Code     string  `json:"code"`
	NameZH   string  `json:"name_zh"`
	Coverage float64 `json:"coverage"`
	InTime   float64 `json:"in_time"`
	Within24 float64 `json:"within_24h"`
	Short    int     `json:"items_short"`
}

// UpwardPeriodJSON is a span of days.
type UpwardPeriodJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// UpwardUsedJSON is what was issued of an item in the period.
type UpwardUsedJSON struct {
	Code     string         `json:"code"`
	NameZH   string         `json:"name_zh"`
	Unit     string         `json:"unit"`
	Quantity stock.Quantity `json:"quantity"`
}

// UpwardIncidentJSON is an incident still open.
type UpwardIncidentJSON struct {
	Code       string `json:"code"`
	Title      string `json:"title"`
	Type       string `json:"type"`
	Level      int    `json:"level"`
	ReportedAt string `json:"reported_at"` // RFC 3339, China time
}

// UpwardColumnJSON is a column of holdings: the unit's own level or a
// district.
type UpwardColumnJSON struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en,omitempty"`
}

// UpwardItemJSON is what is held of an item, per column, and the sum.
type UpwardItemJSON struct {
	Code   string           `json:"code"`
	Class  int              `json:"class"`
	NameZH string           `json:"name_zh"`
	NameEN string           `json:"name_en,omitempty"`
	Unit   string           `json:"unit"`
	Held   []stock.Quantity `json:"held"`
	Sum    stock.Quantity   `json:"sum"`
}

// UpwardClassJSON is the subtotal of a class of the catalogue.
type UpwardClassJSON struct {
	Class  int              `json:"class"`
	NameZH string           `json:"name_zh"`
	NameEN string           `json:"name_en"`
	Held   []stock.Quantity `json:"held"`
	Sum    stock.Quantity   `json:"sum"`
}

// UpwardReserveJSON is what is contracted of an item.
type UpwardReserveJSON struct {
	Code           string         `json:"code"`
	NameZH         string         `json:"name_zh"`
	Unit           string         `json:"unit"`
	Agreement      stock.Quantity `json:"agreement"`
	CapacityPerDay stock.Quantity `json:"capacity_per_day"`
}

// Message is u as a JSON message, with the subtotals and totals the
// workbook shows.
func (u Upward) Message() UpwardMessage {
	m := UpwardMessage{Schema: UpwardSchemaID, Unit: u.Unit, Date: u.Date,
		AsOf: u.AsOf.In(cst.Zone).Format(rfc3339), Columns: []UpwardColumnJSON{},
		Items: []UpwardItemJSON{}, Classes: []UpwardClassJSON{}, Reserves: []UpwardReserveJSON{}}
	for _, c := range u.Columns {
		m.Columns = append(m.Columns, UpwardColumnJSON{Code: c.Code, NameZH: c.ZH, NameEN: c.EN})
	}
	m.Total = make([]stock.Quantity, len(u.Columns)+1)
	for _, it := range u.Items {
		class := int(it.Code[0] - '0')
		if n := len(m.Classes); n == 0 || m.Classes[n-1].Class != class {
			zh, en := catalog.Class(class).Names()
			m.Classes = append(m.Classes, UpwardClassJSON{Class: class, NameZH: zh, NameEN: en,
				Held: make([]stock.Quantity, len(u.Columns))})
		}
		sub := &m.Classes[len(m.Classes)-1]
		row := UpwardItemJSON{Code: it.Code, Class: class, NameZH: it.ZH, NameEN: it.EN, Unit: it.UnitZH,
			Held: append([]stock.Quantity{}, it.Held...)}
		for i, q := range it.Held {
			row.Sum += q
			sub.Held[i] += q
			m.Total[i] += q
		}
		sub.Sum += row.Sum
		m.Total[len(u.Columns)] += row.Sum
		m.Items = append(m.Items, row)
	}
	for _, r := range u.Reserves {
		m.Reserves = append(m.Reserves, UpwardReserveJSON{Code: r.Code, NameZH: r.ZH, Unit: r.UnitZH,
			Agreement: r.Agreement, CapacityPerDay: r.CapacityPerDay})
	}
	m.Period, m.Used, m.Incidents = UpwardPeriodJSON{From: u.From, To: u.To}, []UpwardUsedJSON{}, []UpwardIncidentJSON{}
	for _, x := range u.Used {
		m.Used = append(m.Used, UpwardUsedJSON{Code: x.Code, NameZH: x.ZH, Unit: x.UnitZH, Quantity: x.Quantity})
	}
	for _, in := range u.Incidents {
		m.Incidents = append(m.Incidents, UpwardIncidentJSON{Code: in.Code, Title: in.Title, Type: in.Type, Level: in.Level,
			ReportedAt: time.Unix(in.ReportedAt, 0).In(cst.Zone).Format(rfc3339)})
	}
	m.Readiness = UpwardReadinessJSON{Hazard: u.Hazard, Districts: []UpwardDistrictReadiness{}}
	for _, d := range u.Readiness {
		m.Readiness.Districts = append(m.Readiness.Districts, UpwardDistrictReadiness{Code: d.Code, NameZH: d.ZH,
			Coverage: d.Coverage, InTime: d.InTime, Within24: d.Within24, Short: d.Short})
	}
	return m
}

// rfc3339 is RFC 3339 to the second with the zone's offset.
const rfc3339 = "2006-01-02T15:04:05-07:00"
