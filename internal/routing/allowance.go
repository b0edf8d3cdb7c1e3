package routing

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/stockpile-dev/stockpile/internal/geo"
)

// Allowance is the planning margin added to a driving time: a contingency
// fraction of the driving time, then a fixed time for loading and unloading.
type Allowance struct {
	// Contingency is the fraction of driving time added (0.25 = 25%).
	Contingency float64
	// Handling is the loading plus unloading time of one trip.
	Handling time.Duration
}

// Validate rejects negative margins.
func (a Allowance) Validate() error {
	if !(a.Contingency >= 0) || a.Handling < 0 {
		return fmt.Errorf("routing: allowance must not be negative: contingency %v, handling %v", a.Contingency, a.Handling)
	}
	return nil
}

func (a Allowance) add(drive time.Duration) time.Duration {
	return time.Duration(float64(drive)*(1+a.Contingency)) + a.Handling
}

func (a Allowance) String() string {
	return fmt.Sprintf("+%g%% contingency, +%v handling", a.Contingency*100, a.Handling)
}

// WithAllowance returns a Router whose times are r's plus allowance a: each
// reachable entry s becomes round(s × (1 + a.Contingency) + a.Handling).
// Unreachable entries and Meters are passed through. Its Name is r's name
// followed by the allowance, e.g. "osrm:http://osrm:5000 (+25% contingency,
// +20m0s handling)". It fails if a is invalid.
func WithAllowance(r Router, a Allowance) (Router, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return allowanceRouter{r: r, a: a}, nil
}

type allowanceRouter struct {
	r Router
	a Allowance
}

func (w allowanceRouter) Name() string { return w.r.Name() + " (" + w.a.String() + ")" }

func (w allowanceRouter) Matrix(ctx context.Context, from, to []geo.Point) (Matrix, error) {
	m, err := w.r.Matrix(ctx, from, to)
	if err != nil {
		return Matrix{}, err
	}
	for k, s := range m.Seconds {
		if s != Unreachable {
			t := w.a.add(time.Duration(s) * time.Second)
			m.Seconds[k] = int32(math.Round(t.Seconds()))
		}
	}
	return m, nil
}
