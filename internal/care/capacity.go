package care

import "github.com/stockpile-dev/stockpile/internal/depot"

// Level is how full a depot is, for the capacity reminders (库容提醒).
type Level string

const (
	LevelUnknown  Level = "unknown"   // the depot's capacity is not known
	LevelOK       Level = "ok"        // below NearFullShare
	LevelNearFull Level = "near_full" // 接近满仓: from NearFullShare
	LevelFull     Level = "full"      // 满仓: from FullShare
)

// The shares of a depot's capacity at which the reminders start. At 85 %
// a depot can still take a delivery or a transfer in, but the next large
// one needs another depot, which is when a manager wants to know; at
// 100 % (or more, where the catalogue's unit volumes are generous) it
// takes nothing more.
const (
	NearFullShare = 0.85
	FullShare     = 1.0
)

// Fill returns the share of a depot's capacity (m³) its stock takes up
// (usedM3, the sum of quantity × unit volume), and its level. A capacity
// that is not known (0, or below depot.MinCapacityM3) gives share 0 and
// LevelUnknown.
func Fill(capacityM3, usedM3 float64) (share float64, level Level) {
	share = depot.NewUsage(usedM3, capacityM3).Utilisation
	switch {
	case !(capacityM3 >= depot.MinCapacityM3):
		return 0, LevelUnknown
	case share >= FullShare:
		return share, LevelFull
	case share >= NearFullShare:
		return share, LevelNearFull
	}
	return share, LevelOK
}

// Rank orders levels from the fullest: full 0, near_full 1, ok 2,
// unknown 3; anything else 4.
func (l Level) Rank() int {
	switch l {
	case LevelFull:
		return 0
	case LevelNearFull:
		return 1
	case LevelOK:
		return 2
	case LevelUnknown:
		return 3
	}
	return 4
}
