// Package benchfmt formats what the benchmark programs print: counts with
// thousands separators, durations rounded for a table, a mark for a
// target met or missed, and timestamped progress lines on stderr.
package benchfmt

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Count formats n with thousands separators: 1,234,567.
func Count(n int64) string {
	if n < 0 {
		return "-" + Count(-n)
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Dur rounds d for a table: to the millisecond below 10 s, to a tenth of
// a second above.
func Dur(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// Mark is " ✓" when a target is met and " ✗" when it is missed.
func Mark(ok bool) string {
	if ok {
		return " ✓"
	}
	return " ✗"
}

// Logf prints a progress line to stderr, with the time in front.
func Logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}
