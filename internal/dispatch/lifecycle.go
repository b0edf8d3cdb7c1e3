package dispatch

import (
	"time"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// Plannable reports whether the incident still takes part in planning: a
// closed incident does not (incident.closed, a conflict naming status).
// The planner refuses closed incidents, so no surface can plan for one.
func (in Incident) Plannable() error {
	if in.Status == IncidentClosed {
		return apperr.New(apperr.Conflict, "incident.closed", "事件 %s 已结束，不再调度",
			"incident %s is closed; it is no longer planned for", in.Code).WithField("status")
	}
	return nil
}

// Revise returns in as it is to be stored at now, replacing old (nil for
// a new incident): open unless it says otherwise, and reported when old
// was, or now for a new incident, unless it sets its own report time.
// Deadlines count from the report time, so a revised incident keeps them.
func (in Incident) Revise(old *Incident, now time.Time) Incident {
	if in.Status == "" {
		in.Status = IncidentOpen
	}
	if in.ReportedAt == 0 {
		in.ReportedAt = now.Unix()
		if old != nil {
			in.ReportedAt = old.ReportedAt
		}
	}
	return in
}
