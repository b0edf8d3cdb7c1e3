package readiness

import (
	"regexp"
	"testing"
)

// TestNotesKeepSourcesApart: a note's Chinese sentence is Chinese only;
// the settings' citations it rests on, recorded in whatever language they
// were written in, travel beside it (Note.Sources), so that a Chinese
// screen shows no English inside a Chinese sentence.
func TestNotesKeepSourcesApart(t *testing.T) {
	c := DefaultConfig()
	notes := append(c.TierRule.notes(c, true), c.sizeNote(2, 49999, c.level(2).Source), c.sizeNote(1, 50000, c.level(1).Source))
	latin := regexp.MustCompile(`[A-Za-z]`)
	for _, n := range notes {
		if latin.MatchString(n.ZH) {
			t.Errorf("Chinese note has Latin text: %q", n.ZH)
		}
		if len(n.Sources) == 0 {
			t.Errorf("note %q names no source", n.ZH)
		}
		for _, src := range n.Sources {
			if src == "" {
				t.Errorf("note %q has an empty source", n.ZH)
			}
		}
	}
}
