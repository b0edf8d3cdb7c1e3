package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/httpx"
	"github.com/stockpile-dev/stockpile/internal/input"
	"github.com/stockpile-dev/stockpile/internal/ops"
	"github.com/stockpile-dev/stockpile/internal/readiness"
	"github.com/stockpile-dev/stockpile/internal/report"
)

// xlsxType is the media type of an .xlsx workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// getReadinessConfig returns the home city's readiness settings: norms,
// tier shares, response levels and horizons ("default": true when they are
// the shipped ones).
func (h *handler) getReadinessConfig(w http.ResponseWriter, r *http.Request) {
	cfg, err := h.store.HomeReadinessConfig(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, cfg)
}

// readinessConfigRequest replaces a city's settings.
type readinessConfigRequest struct {
	Config readiness.Config `json:"config"`
}

// putReadinessConfig replaces the home city's readiness settings whole; an
// invalid one is refused, naming the field, and nothing is stored.
func (h *handler) putReadinessConfig(w http.ResponseWriter, r *http.Request) {
	var req readinessConfigRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	cfg, err := h.ops.SaveReadinessConfig(r.Context(), actor(r), req.Config)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, cfg)
}

// getReadiness assesses the standing scenarios and every district; the
// second standing scenario hits ?pair= (two district codes, default
// Fangshan and Mentougou) with ?hazard= (default flood).
func (h *handler) getReadiness(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pair, err := readiness.ParsePair(q["pair"])
	if err != nil {
		h.error(w, r, err)
		return
	}
	hazard, err := httpx.OneOf(q, "hazard", readiness.Hazards...)
	if err != nil {
		h.error(w, r, err)
		return
	}
	asXLSX, err := workbook(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	ov, err := h.ops.Overview(r.Context(), actor(r), pair, cmp.Or(hazard, readiness.DefaultHazard), nil)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.respond(w, r, ov, asXLSX, "readiness", func() (*excelize.File, error) { return report.Overview(ov) })
}

// workbook reads ?format= (json, the default, or xlsx): whether to answer
// with an .xlsx workbook. Handlers read it before they compute anything.
func workbook(r *http.Request) (bool, error) {
	format, err := httpx.OneOf(r.URL.Query(), "format", "json", "xlsx")
	return format == "xlsx", err
}

// respond writes v as JSON, or, when asXLSX, the workbook book makes of it
// as an attachment called name.xlsx.
func (h *handler) respond(w http.ResponseWriter, r *http.Request, v any, asXLSX bool, name string, book func() (*excelize.File, error)) {
	if !asXLSX {
		h.json(w, r, http.StatusOK, v)
		return
	}
	f, err := book()
	if err != nil {
		h.error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, f); err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".xlsx"}))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// listScenarios lists the stored scenarios.
func (h *handler) listScenarios(w http.ResponseWriter, r *http.Request) {
	scs, err := h.store.Scenarios(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("scenarios", scs))
}

// getScenario returns one stored scenario.
func (h *handler) getScenario(w http.ResponseWriter, r *http.Request) {
	sc, err := h.store.Scenario(r.Context(), r.PathValue("code"))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, sc)
}

// saveScenario stores a scenario, replacing the one with its code.
func (h *handler) saveScenario(w http.ResponseWriter, r *http.Request) {
	var sc readiness.Scenario
	if err := h.decode(w, r, &sc); err != nil {
		h.error(w, r, err)
		return
	}
	sc, err := h.ops.SaveScenario(r.Context(), actor(r), sc)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, sc)
}

// assessmentRequest names the scenario to assess: inline, or stored.
type assessmentRequest struct {
	Scenario *readiness.Scenario `json:"scenario,omitempty"`
	Code     string              `json:"code,omitempty"`
}

// createAssessment assesses a scenario; ?format=xlsx returns the workbook.
func (h *handler) createAssessment(w http.ResponseWriter, r *http.Request) {
	asXLSX, err := workbook(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	var req assessmentRequest
	if err := h.decode(w, r, &req); err != nil {
		h.error(w, r, err)
		return
	}
	var res readiness.Assessment
	switch {
	case req.Scenario != nil && req.Code != "":
		err = apperr.New(apperr.Invalid, "assessment.request", "请给出 scenario 或 code 之一",
			"give either scenario or code, not both").WithField("code")
	case req.Code != "":
		res, err = h.ops.AssessStored(r.Context(), actor(r), req.Code)
	case req.Scenario == nil:
		err = apperr.Required("scenario", "情景", "scenario")
	default:
		res, err = h.ops.Assess(r.Context(), actor(r), *req.Scenario)
		err = apperr.Within("scenario.", err)
	}
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.respond(w, r, res, asXLSX, "assessment-"+res.Scenario.Code, func() (*excelize.File, error) { return report.Assessment(res) })
}

// prepositionRequest asks for a pre-positioning recommendation.
type prepositionRequest struct {
	Warning json.RawMessage `json:"warning"`
	readiness.PrepositionOptions
}

// createPreposition recommends moving stock forward for a warning, given
// as {"warning": {…}, "keep_share": …} or as a CAP 1.2 alert body
// (Content-Type application/cap+xml or application/xml) with the options
// as query parameters; the recommendation is stored as proposed.
func (h *handler) createPreposition(w http.ResponseWriter, r *http.Request) {
	body, opt, err := h.prepositionInput(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	rec, err := h.ops.Recommend(r.Context(), actor(r), body, opt)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.created(w, r, "/api/prepositions/"+strconv.FormatInt(rec.ID, 10), rec)
}

// capTypes are the media types of a CAP alert body.
var capTypes = []string{"application/cap+xml", "application/xml", "text/xml"}

// prepositionInput reads the warning document and the options: a JSON
// request, or a CAP alert with the options as query parameters.
func (h *handler) prepositionInput(w http.ResponseWriter, r *http.Request) ([]byte, readiness.PrepositionOptions, error) {
	var req prepositionRequest
	body, err := httpx.ReadBody(w, r, h.maxBody, append([]string{"application/json"}, capTypes...)...)
	if err != nil {
		return nil, req.PrepositionOptions, err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); !slices.Contains(capTypes, mt) {
		if err := input.DecodeJSON(body, &req); err != nil {
			return nil, req.PrepositionOptions, err
		}
		if len(req.Warning) == 0 {
			return nil, req.PrepositionOptions, apperr.Required("warning", "预警", "warning")
		}
		return req.Warning, req.PrepositionOptions, nil
	}
	q := r.URL.Query()
	keep, errKeep := httpx.Float(q, "keep_share")
	deadline, errDeadline := httpx.Float(q, "deadline_hours")
	lead, errLead := httpx.Float(q, "lead_hours")
	if err := cmp.Or(errKeep, errDeadline, errLead); err != nil {
		return nil, req.PrepositionOptions, err
	}
	opt := readiness.PrepositionOptions{KeepShare: keep}
	if deadline != nil {
		opt.DeadlineHours = *deadline
	}
	if lead != nil {
		opt.LeadHours = *lead
	}
	return body, opt, nil
}

// listPrepositions lists recommendations, newest first, of an optional
// ?status=.
func (h *handler) listPrepositions(w http.ResponseWriter, r *http.Request) {
	status, err := httpx.OneOf(r.URL.Query(), "status", readiness.RecommendationProposed,
		readiness.RecommendationApproved, readiness.RecommendationCancelled)
	if err != nil {
		h.error(w, r, err)
		return
	}
	recs, err := h.store.Recommendations(r.Context(), status, 100)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, list("prepositions", recs))
}

// getPreposition returns one recommendation.
func (h *handler) getPreposition(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.ID(r, "id")
	if err == nil {
		var rec readiness.Recommendation
		if rec, err = h.store.Recommendation(r.Context(), id); err == nil {
			h.json(w, r, http.StatusOK, rec)
			return
		}
	}
	h.error(w, r, err)
}

// approvePreposition turns a recommendation into a transfer order, its
// lots reserved.
func (h *handler) approvePreposition(w http.ResponseWriter, r *http.Request) {
	h.prepositionAction(w, r, (*ops.Service).ApprovePreposition)
}

// cancelPreposition drops a proposed recommendation.
func (h *handler) cancelPreposition(w http.ResponseWriter, r *http.Request) {
	h.prepositionAction(w, r, (*ops.Service).CancelPreposition)
}

func (h *handler) prepositionAction(w http.ResponseWriter, r *http.Request,
	act func(*ops.Service, context.Context, access.Actor, int64) (readiness.Recommendation, error)) {
	id, err := h.actionRequest(w, r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	rec, err := act(h.ops, r.Context(), actor(r), id)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, rec)
}

// getNorms downloads the home city's norms as CSV, to edit in Excel and
// import again.
func (h *handler) getNorms(w http.ResponseWriter, r *http.Request) {
	cfg, err := h.store.HomeReadinessConfig(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "norms.csv"}))
	w.Write(readiness.ExportNorms(cfg.Norms))
}

// putNorms replaces the home city's norms with a CSV file (text/csv),
// whole or not at all: a file with bad rows is refused with a report of
// every one of them. The other settings are kept.
func (h *handler) putNorms(w http.ResponseWriter, r *http.Request) {
	body, err := httpx.ReadBody(w, r, h.maxBody, "text/csv")
	if err != nil {
		h.error(w, r, err)
		return
	}
	cfg, err := h.ops.ImportNorms(r.Context(), actor(r), string(body))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, cfg)
}

// getPrices downloads the home city's unit prices as CSV, to edit in Excel
// and import again.
func (h *handler) getPrices(w http.ResponseWriter, r *http.Request) {
	cfg, err := h.store.HomeReadinessConfig(r.Context())
	if err != nil {
		h.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "prices.csv"}))
	w.Write(readiness.ExportPrices(cfg.Prices))
}

// putPrices replaces the home city's unit prices with a CSV file
// (text/csv), whole or not at all, like putNorms.
func (h *handler) putPrices(w http.ResponseWriter, r *http.Request) {
	body, err := httpx.ReadBody(w, r, h.maxBody, "text/csv")
	if err != nil {
		h.error(w, r, err)
		return
	}
	cfg, err := h.ops.ImportPrices(r.Context(), actor(r), string(body))
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.json(w, r, http.StatusOK, cfg)
}
