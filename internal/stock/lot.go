package stock

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/catalog"
)

// DateLayout is how calendar dates (production, expiry) are written and
// stored: ISO 8601, which also sorts correctly as text.
const DateLayout = "2006-01-02"

// RotationDays is how far ahead stock counts as expiring soon: the 90 days
// a reserve manager needs to rotate a lot out (轮换) before it expires. A
// lot expires soon when its expiry falls from today to today + RotationDays,
// both days included.
const RotationDays = 90

// AddDays returns the date n days after day (both YYYY-MM-DD), or day
// itself when it is not a date.
func AddDays(day string, n int) string {
	t, err := time.Parse(DateLayout, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(DateLayout)
}

// DaysBetween counts the days from one date (YYYY-MM-DD) to another,
// negative when to comes first; ok is false when either is not a date
// (a lot that does not expire has no expiry date).
func DaysBetween(from, to string) (days int, ok bool) {
	a, errA := time.Parse(DateLayout, from)
	b, errB := time.Parse(DateLayout, to)
	if errA != nil || errB != nil {
		return 0, false
	}
	return int(b.Sub(a).Hours() / 24), true
}

// Quality is the quality state of a lot (质量状态).
type Quality string

const (
	QualityGood    Quality = "good"    // 合格,可发放
	QualityPending Quality = "pending" // 待检
	QualityDamaged Quality = "damaged" // 损坏/不合格
)

// Valid reports whether q is a known quality state.
func (q Quality) Valid() bool {
	return q == QualityGood || q == QualityPending || q == QualityDamaged
}

// Status is how a lot stands on a day: its quality, or expired once its
// expiry date has passed, whatever its quality (过期). Every screen, list
// and export shows the status, so an expired lot never reads "合格".
type Status string

const (
	StatusGood    Status = "good"
	StatusPending Status = "pending"
	StatusDamaged Status = "damaged"
	StatusExpired Status = "expired"
)

// Status returns the lot's status on day today (YYYY-MM-DD).
func (l Lot) Status(today string) Status {
	if l.Expired(today) {
		return StatusExpired
	}
	return Status(l.Quality)
}

// MaxLocationLen bounds a storage location's code.
const MaxLocationLen = 32

// ValidateLocation checks a storage location inside a depot (库区/货位),
// such as "A-01-03" or "冷库2": 1 to 32 characters of letters (Chinese
// included), digits, '-', '_' and '.', no spaces.
func ValidateLocation(loc string) error {
	ok := loc != "" && utf8.RuneCountInString(loc) <= MaxLocationLen
	for _, r := range loc {
		if !ok {
			break
		}
		ok = unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.", r)
	}
	if !ok {
		return apperr.New(apperr.Invalid, "location.malformed",
			"库位「%s」格式错误：应为 1–32 个字母、汉字、数字或 - _ .", "storage location %q is malformed: want 1–32 letters, digits, - _ .",
			loc).WithField("location")
	}
	return nil
}

// Lot is one batch of one item (批次), labelled with a short code printed as a
// QR label (一物一码). A lot can lie in several depots after transfers; its
// quantity per depot is a balance.
type Lot struct {
	ID         int64   `json:"-"`
	Code       string  `json:"code"`
	ItemCode   string  `json:"item_code"`
	Batch      string  `json:"batch"`
	ProducedOn string  `json:"produced_on,omitempty"` // YYYY-MM-DD
	ExpiresOn  string  `json:"expires_on,omitempty"`  // YYYY-MM-DD; empty: does not expire
	Quality    Quality `json:"quality"`
	OwnerCode  string  `json:"owner_code"` // organisation holding 物权
	CreatedAt  int64   `json:"created_at"` // unix microseconds
}

// LotSpec describes a new lot arriving with a receipt.
type LotSpec struct {
	Code       string  `json:"code,omitempty"` // optional: keep a partner system's own code
	Batch      string  `json:"batch"`
	ProducedOn string  `json:"produced_on,omitempty"`
	ExpiresOn  string  `json:"expires_on,omitempty"`
	Quality    Quality `json:"quality,omitempty"` // default good
	OwnerCode  string  `json:"owner_code,omitempty"`
}

// Expired reports whether the lot is past its expiry date on day today
// (YYYY-MM-DD). A lot may be used on its expiry date.
func (l Lot) Expired(today string) bool { return l.ExpiresOn != "" && l.ExpiresOn < today }

// Normalize validates spec for item, which must be in use (a retired item
// takes no new lots: item.retired), and fills in defaults: quality good, and
// the expiry date from the production date and the item's shelf life when
// the expiry is not given. Errors name the fields as the new_lot of a
// [Line] holds them ("new_lot.expires_on").
func (s LotSpec) Normalize(item catalog.Item) (LotSpec, error) {
	if err := item.CheckInUse(); err != nil {
		return s, err
	}
	if strings.TrimSpace(s.Batch) == "" {
		return s, apperr.Required("new_lot.batch", "批次号", "batch number")
	}
	if s.Quality == "" {
		s.Quality = QualityGood
	}
	if !s.Quality.Valid() {
		return s, apperr.New(apperr.Invalid, "lot.quality_invalid",
			"质量状态「%s」无效：应为 good、pending 或 damaged",
			"quality %q is invalid: want good, pending or damaged", string(s.Quality)).WithField("new_lot.quality")
	}
	produced, err := parseDate(s.ProducedOn, "new_lot.produced_on")
	if err != nil {
		return s, err
	}
	expires, err := parseDate(s.ExpiresOn, "new_lot.expires_on")
	if err != nil {
		return s, err
	}
	if expires.IsZero() && !produced.IsZero() && item.ShelfLifeDays > 0 {
		s.ExpiresOn = produced.AddDate(0, 0, item.ShelfLifeDays).Format(DateLayout)
	}
	if !produced.IsZero() && !expires.IsZero() && expires.Before(produced) {
		return s, apperr.New(apperr.Invalid, "lot.expiry_before_production",
			"有效期至 %s 早于生产日期 %s", "expiry date %s is before production date %s",
			s.ExpiresOn, s.ProducedOn).WithField("new_lot.expires_on")
	}
	if s.Code != "" {
		if err := ValidateLotCode(s.Code); err != nil {
			if e, ok := apperr.As(err); ok {
				err = e.WithField("new_lot.code")
			}
			return s, err
		}
	}
	return s, nil
}

func parseDate(s, field string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return t, apperr.New(apperr.Invalid, "date.malformed",
			"日期「%s」格式错误：应为 YYYY-MM-DD", "date %q is malformed: want YYYY-MM-DD", s).WithField(field)
	}
	return t, nil
}
