package alloc

import (
	"fmt"
	"time"
)

// Tier is the administrative level, or the kind of reserve, that a source
// belongs to. Together with the site's district it decides the [Relation]
// of a (source, site) pair and so the source's tier cost for that site.
type Tier uint8

// Source tiers. The zero value is not a valid tier, so that a forgotten
// field is reported rather than silently read as street stock.
const (
	TierStreet    Tier = iota + 1 // street/township (街道/乡镇) depot; needs District
	TierDistrict                  // district (区级) depot; needs District
	TierCity                      // city-level (市级) depot
	TierProvince                  // neighbouring province's reserve (周边省份)
	TierAgreement                 // agreement reserve (协议储备): a supplier holds stock for us
	TierCapacity                  // production-capacity reserve (生产能力储备): see [CapacityBatches]
)

var tierNames = [...]string{"", "street", "district", "city", "province", "agreement", "capacity"}

func (t Tier) String() string {
	if int(t) < len(tierNames) && t != 0 {
		return tierNames[t]
	}
	return fmt.Sprintf("Tier(%d)", uint8(t))
}

func (t Tier) valid() bool { return t >= TierStreet && t <= TierCapacity }

// Relation is what a source is to a particular site. It indexes
// [Costs.Relation].
type Relation uint8

// Relations, in the default order of preference (cheapest first).
const (
	RelOwnDistrict   Relation = iota // street or district stock in the site's own district
	RelCity                          // city-level stock
	RelOtherDistrict                 // street or district stock of another district
	RelNeighbour                     // a neighbouring province's stock
	RelAgreement                     // agreement reserve
	RelCapacity                      // production-capacity reserve
	NumRelations                     // number of relations; not a relation
)

var relationNames = [...]string{"own-district", "city", "other-district", "neighbour", "agreement", "capacity"}

func (r Relation) String() string {
	if r < NumRelations {
		return relationNames[r]
	}
	return fmt.Sprintf("Relation(%d)", uint8(r))
}

// RelationOf returns the relation of a source of tier t lying in district
// srcDistrict to a site in district siteDistrict. Street and district stock
// is own-district only when both districts are equal and non-empty. (To a
// site outside the home city, [Site.Outside], street and district stock has
// no relation: it does not supply it.)
func RelationOf(t Tier, srcDistrict, siteDistrict string) Relation {
	switch t {
	case TierStreet, TierDistrict:
		if srcDistrict != "" && srcDistrict == siteDistrict {
			return RelOwnDistrict
		}
		return RelOtherDistrict
	case TierCity:
		return RelCity
	case TierProvince:
		return RelNeighbour
	case TierAgreement:
		return RelAgreement
	default:
		return RelCapacity
	}
}

// Source is a place or a contract that can supply items: a depot, a
// neighbouring province's reserve, an agreement or a production line.
type Source struct {
	// Key is the caller's identifier (depot code, reserve id); Solve only
	// uses it in error messages.
	Key string
	// Tier is the source's level or kind of reserve. Required.
	Tier Tier
	// District is the area code of the district the source lies in.
	// Required for TierStreet and TierDistrict, ignored otherwise.
	District string
	// Supplies lists what the source can give. A source may list several
	// supplies of the same item, e.g. one per production batch.
	Supplies []Supply
}

// Supply is a quantity of one item that a source can release after a delay.
type Supply struct {
	Item string
	// Qty is the quantity available, in the caller's integer unit
	// (thousandths of a unit, say). Zero is allowed and ignored.
	Qty int64
	// ReadyAfter is when the supply can leave the source, counted from now:
	// 0 for depot stock, the agreed lead time for an agreement reserve, the
	// batch's completion for production capacity. At most one year.
	ReadyAfter time.Duration
}

// Site is a place that needs supplies: a resettlement point, a field
// hospital, a command post of an open incident.
type Site struct {
	Key      string // caller's identifier, used in error messages
	Incident string // caller's incident identifier; not used by Solve
	// District is the area code of the site's district; it makes street
	// and district stock there own-district stock. May be empty. It is
	// ignored when Outside is set.
	District string
	// Outside marks a site outside the home city: support to a
	// neighbouring province. Street and district stock never supplies it
	// (it is the districts' own first batch); city stock, neighbouring
	// provinces' reserves, agreement and capacity reserves do, as the
	// city supports Tianjin and Hebei from city stock (seed 001: 市级…24小时
	// 内支援津冀). This is a hard exclusion, not a relation cost: such
	// pairs have no arc at all, and a shortage that street or district
	// stock could have covered has [ReasonDistrictOnly].
	Outside bool
	// Priority weighs this site's shortage and lateness costs; higher is
	// more important. Usually the incident's priority. 1 to 1000.
	Priority int
	Demands  []Demand
}

// Demand is a quantity of one item a site needs by a deadline. A site may
// list the same item more than once with different deadlines, e.g. a first
// batch within 4 h and the rest within 24 h.
type Demand struct {
	Item string
	// Qty is the quantity needed, in the same unit as Supply.Qty. Zero is
	// allowed and ignored.
	Qty int64
	// Deadline is when the supplies must have arrived, counted from now.
	// It may be negative when the deadline has already passed; deliveries
	// are then late by the time since the deadline. At most one year.
	Deadline time.Duration
}

// TravelFunc returns the travel time from source to site (indices into
// Problem.Sources and Problem.Sites), and false when the site cannot be
// reached from that source (road cut, no route). It must be safe for
// concurrent use: Solve calls it from several goroutines, at most once per
// pair. Travel times must lie between 0 and one year.
type TravelFunc func(source, site int) (time.Duration, bool)

// Problem is one allocation run: every open incident's sites and every
// source, solved together so that priorities arbitrate between incidents.
type Problem struct {
	Sources []Source
	Sites   []Site
	// Travel gives travel times. Required.
	Travel TravelFunc
	// Costs are the weights of the objective. The zero value means
	// DefaultCosts().
	Costs Costs
	// Candidates is the number of cheapest arcs per demand the solver
	// starts from before pricing in the rest (0 means 32). A negative value
	// puts every arc in from the start. The objective does not depend on
	// it (lines may differ where optima tie); it is for tuning and tests.
	Candidates int
	// Workers bounds the number of items solved in parallel; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// LatestDeadline returns the latest deadline of any demand for item, or 0
// when no site needs it. It is the horizon to pass to [CapacityBatches].
func (p *Problem) LatestDeadline(item string) time.Duration {
	var latest time.Duration
	for _, s := range p.Sites {
		for _, d := range s.Demands {
			if d.Item == item && d.Qty > 0 && d.Deadline > latest {
				latest = d.Deadline
			}
		}
	}
	return latest
}

// Costs are the objective's weights. All are integers in cost points per
// unit of quantity (per Qty unit, so per thousandth if the caller counts in
// thousandths); only their ratios matter. The cost of sending one unit from
// source s to demand d at site t is
//
//	Relation[rel(s,t)] + TimeWeight×arrival + LateWeight×priority×late
//
// where arrival = ReadyAfter + travel and late = max(0, arrival − Deadline),
// both in whole minutes rounded up. Leaving a unit of demand unmet costs
// ShortageWeight×priority; leaving supply unused costs nothing.
type Costs struct {
	// Relation is the tier cost per relation: a preference, not a hard
	// order, so that a deadline can override it. 0 to 1e9 each.
	Relation [NumRelations]int64
	// TimeWeight is the cost per minute of arrival time. 0 to 1e6.
	TimeWeight int64
	// LateWeight is the cost per minute late, per priority level. 0 to 1e6.
	LateWeight int64
	// ShortageWeight is the cost of a unit left unmet, per priority level.
	// It must exceed every delivery cost you would rather pay than leave a
	// need unmet. 1 to 1e9.
	ShortageWeight int64
}

// DefaultCosts returns the default weights: one point per minute of
// arrival; own district 0, city 30, other district 60, neighbouring
// province 120, agreement 180 and capacity 240 points (tier differences
// worth half an hour to four hours of travel); 60 points per minute late per
// priority level (a minute late weighs like an hour of travel at priority
// 1); and 1,000,000 per unit short per priority level, so that any delivery
// within about eleven days of its deadline beats a shortage.
func DefaultCosts() Costs {
	return Costs{
		Relation:       [NumRelations]int64{0, 30, 60, 120, 180, 240},
		TimeWeight:     1,
		LateWeight:     60,
		ShortageWeight: 1_000_000,
	}
}

// Batch is one production batch of a capacity reserve.
type Batch struct {
	Qty        int64
	ReadyAfter time.Duration
}

// CapacityBatches expands a production-capacity reserve making perDay units
// a day, after a lead time, into daily batches: batch k (k = 1, 2, ...) is
// ready at lead + k×24h. It expands only as far as the horizon needs (pass
// the latest deadline that still matters, see [Problem.LatestDeadline]):
// every batch ready by the horizon, plus one more, which can still serve as
// a late delivery. It returns nil when perDay ≤ 0, and never more than 367
// batches.
func CapacityBatches(perDay int64, lead, horizon time.Duration) []Batch {
	if perDay <= 0 {
		return nil
	}
	const day = 24 * time.Hour
	var out []Batch
	for k := 1; k <= 367; k++ {
		ready := lead + time.Duration(k)*day
		out = append(out, Batch{Qty: perDay, ReadyAfter: ready})
		if ready > horizon {
			break
		}
	}
	return out
}
