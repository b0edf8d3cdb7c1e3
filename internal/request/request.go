// Package request is a request for supplies from a lower tier (需求申报):
// a community, street or district asks for items for a place by a
// deadline; the request climbs the chain (community → street → district →
// city), each level approving it on or rejecting it, until a district or
// the city accepts it, and it becomes a site with demands of an incident,
// which the dispatch planner then plans for.
package request

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/stock"
)

// Status is where a request is.
type Status string

const (
	StatusPending   Status = "pending"   // 待审核: waiting for the level named by AtArea
	StatusAccepted  Status = "accepted"  // 已采纳: a demand of an incident
	StatusRejected  Status = "rejected"  // 已驳回
	StatusWithdrawn Status = "withdrawn" // 已撤回
)

// Decision is what a level does with a request waiting for it.
type Decision string

const (
	Approve  Decision = "approve"  // 同意并上报: on to the next level up
	Accept   Decision = "accept"   // 采纳: becomes an incident's demand (district or city)
	Reject   Decision = "reject"   // 驳回, with a reason
	Withdraw Decision = "withdraw" // 撤回: by the requester, while pending
)

// Request is one request for supplies.
type Request struct {
	ID          int64     `json:"id"`
	Area        string    `json:"area"` // the requesting area
	Incident    string    `json:"incident,omitempty"`
	Site        string    `json:"site,omitempty"` // the incident's site it became, once accepted
	SiteName    string    `json:"site_name"`      // where the supplies are needed, e.g. 某某小学安置点
	Point       geo.Point `json:"point"`
	WithinHours float64   `json:"within_hours"` // needed within, from the incident's report
	Lines       []Line    `json:"lines"`
	Note        string    `json:"note,omitempty"`
	Status      Status    `json:"status"`
	// AtArea is the area whose decision the request waits for.
	AtArea         string `json:"at_area,omitempty"`
	Steps          []Step `json:"steps"`
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	CreatedBy      string `json:"created_by"`
	CreatedAt      int64  `json:"created_at"`
	Version        int64  `json:"version"`
}

// Line is a quantity of one item.
type Line struct {
	Item     string         `json:"item"`
	Quantity stock.Quantity `json:"quantity"`
}

// Step is one decision along the chain.
type Step struct {
	Area     string   `json:"area"` // the level that decided
	Decision Decision `json:"decision"`
	By       string   `json:"by"`
	At       int64    `json:"at"`
	Note     string   `json:"note,omitempty"`
}

// Validate checks a new request.
func (r Request) Validate() error {
	switch {
	case r.Area == "":
		return apperr.Required("area", "申报区域", "the requesting area")
	case strings.TrimSpace(r.SiteName) == "" || utf8.RuneCountInString(r.SiteName) > 100:
		return apperr.New(apperr.Invalid, "request.site_name", "须填写需求地点名称（不超过 100 个字）",
			"site_name is needed, at most 100 characters").WithField("site_name")
	case !r.Point.Valid() || r.Point.IsZero():
		return apperr.New(apperr.Invalid, "request.point", "需求地点坐标无效", "the site's point is not valid").WithField("point")
	case r.WithinHours <= 0 || r.WithinHours > 720:
		return apperr.New(apperr.Invalid, "request.within_hours", "需求时限须在 0 到 720 小时之间",
			"within_hours must be above 0 and at most 720").WithField("within_hours")
	case len(r.Lines) == 0 || len(r.Lines) > 100:
		return apperr.New(apperr.Invalid, "request.lines", "须申报 1 到 100 种物资", "a request names 1 to 100 items").WithField("lines")
	case utf8.RuneCountInString(r.Note) > 500:
		return apperr.New(apperr.Invalid, "request.note", "备注最多 500 个字", "the note holds at most 500 characters").WithField("note")
	case strings.TrimSpace(r.IdempotencyKey) == "" || len(r.IdempotencyKey) > 200:
		return apperr.New(apperr.Invalid, "request.key", "须带 1 到 200 个字符的幂等键，以免重复提交时记两次",
			"an idempotency key of 1 to 200 characters is needed, so that a retry is not recorded twice").WithField("idempotency_key")
	}
	seen := map[string]bool{}
	for i, l := range r.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case l.Item == "":
			return apperr.Required(field+".item", "物资", "item")
		case seen[l.Item]:
			return apperr.New(apperr.Invalid, "request.item_repeated", "物资 %s 重复申报", "item %s is requested twice", l.Item).
				WithField(field + ".item")
		case l.Quantity <= 0:
			return apperr.New(apperr.Invalid, "request.quantity", "数量须大于 0", "the quantity must be above 0").
				WithField(field + ".quantity")
		}
		if err := l.Quantity.CheckRange(); err != nil {
			return apperr.Within(field, err)
		}
		seen[l.Item] = true
	}
	return nil
}

// Level is what the chain needs to know of the area a request waits for.
type Level struct {
	Code   string
	Level  area.Level
	Parent string // "" for the city
}

// Decide returns r after decision d by actor at now (unix seconds) of the
// level at, which must be the one r waits for (the store checks the actor
// may speak for it). Approve sends it on to at's parent; the city cannot
// approve on, only accept or reject. Accept needs an incident (r's or the
// one given) and a district or the city. Reject needs a reason. Withdraw is
// the requester's, while pending, wherever it waits.
func (r Request) Decide(d Decision, at Level, actor string, now int64, note, incident string) (Request, error) {
	if r.Status != StatusPending {
		return r, apperr.New(apperr.Conflict, "request.status", "需求申报 #%d 当前状态为 %s，不能再处理",
			"request #%d is %s: it takes no more decisions", r.ID, string(r.Status)).WithField("status")
	}
	if d != Withdraw && at.Code != r.AtArea {
		return r, apperr.New(apperr.Conflict, "request.not_here", "需求申报 #%d 正等待 %s 审核，不在 %s",
			"request #%d waits for %s, not %s", r.ID, r.AtArea, at.Code).WithField("at_area")
	}
	switch d {
	case Approve:
		if at.Parent == "" {
			return r, apperr.New(apperr.Invalid, "request.top", "市级是最高一级：请采纳或驳回",
				"the city is the top of the chain: accept or reject").WithField("decision")
		}
		r.AtArea = at.Parent
	case Accept:
		if at.Level != area.LevelDistrict && at.Level != area.LevelCity {
			return r, apperr.New(apperr.Invalid, "request.accept_level", "只有区级或市级可以采纳需求申报，请同意并上报",
				"only a district or the city accepts a request: approve it on").WithField("decision")
		}
		if incident != "" {
			r.Incident = incident
		}
		if r.Incident == "" {
			return r, apperr.Required("incident", "所属事件", "the incident the demand belongs to")
		}
		r.Status, r.AtArea = StatusAccepted, ""
	case Reject:
		if strings.TrimSpace(note) == "" {
			return r, apperr.Required("note", "驳回理由", "why the request is rejected")
		}
		r.Status, r.AtArea = StatusRejected, ""
	case Withdraw:
		if actor != r.CreatedBy {
			return r, apperr.New(apperr.Conflict, "request.not_yours", "只有申报人可以撤回", "only the requester may withdraw it").
				WithField("decision")
		}
		r.Status, r.AtArea = StatusWithdrawn, ""
	default:
		return r, apperr.New(apperr.Invalid, "request.decision", "处理方式须为 approve、accept、reject 或 withdraw",
			"decision is approve, accept, reject or withdraw").WithField("decision")
	}
	if utf8.RuneCountInString(note) > 500 {
		return r, apperr.New(apperr.Invalid, "request.note", "备注最多 500 个字", "the note holds at most 500 characters").WithField("note")
	}
	r.Steps = append(append([]Step(nil), r.Steps...), Step{Area: at.Code, Decision: d, By: actor, At: now, Note: note})
	return r, nil
}

// SiteCode is the code of the incident site an accepted request becomes.
func (r Request) SiteCode() string { return fmt.Sprintf("REQ-%d", r.ID) }
