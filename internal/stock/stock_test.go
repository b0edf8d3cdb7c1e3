package stock

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	good := map[string]Quantity{"0": 0, "300": 300000, "12.5": 12500, "0.001": 1, "-2": -2000, "7.250": 7250}
	for in, want := range good {
		got, err := ParseQuantity(in)
		if err != nil || got != want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1e3", "1.2345", "abc", "1.", ".5", "--1", "1,000", "9999999999999999", " 1"} {
		if _, err := ParseQuantity(in); err == nil {
			t.Errorf("ParseQuantity(%q) succeeded; want an error", in)
		}
	}
}

func TestQuantityJSONRoundTrip(t *testing.T) {
	for _, q := range []Quantity{0, 1, 999, 1000, 12500, -2000, Units(1884400)} {
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var back Quantity
		if err := json.Unmarshal(b, &back); err != nil || back != q {
			t.Errorf("%d → %s → %d (%v)", q, b, back, err)
		}
	}
	var q Quantity
	if err := json.Unmarshal([]byte(`"1.5"`), &q); err != nil || q != 1500 {
		t.Errorf(`"1.5" → %d, %v`, q, err)
	}
}

func TestLotCodes(t *testing.T) {
	seen := map[string]int64{}
	for seq := int64(1); seq <= 200000; seq++ {
		c := LotCodeFor(seq)
		if prev, dup := seen[c]; dup {
			t.Fatalf("entries %d and %d share code %s", prev, seq, c)
		}
		seen[c] = seq
		if !CheckLotCode(c) || ValidateLotCode(c) != nil {
			t.Fatalf("code %s of entry %d does not check", c, seq)
		}
	}
	c := []byte(LotCodeFor(42))
	for i := range 8 { // any single misread digit is caught
		orig := c[i]
		for _, r := range crockford {
			if byte(r) == orig {
				continue
			}
			c[i] = byte(r)
			if CheckLotCode(string(c)) {
				t.Errorf("misread %s passes the check", c)
			}
		}
		c[i] = orig
	}
	for i := range 8 { // any swap of two neighbours, the check character included, is caught
		if c[i] == c[i+1] {
			continue
		}
		c[i], c[i+1] = c[i+1], c[i]
		if CheckLotCode(string(c)) {
			t.Errorf("transposed %s passes the check", c)
		}
		c[i], c[i+1] = c[i+1], c[i]
	}
	if ValidateLotCode("bad code") == nil || ValidateLotCode("") == nil {
		t.Error("malformed partner codes accepted")
	}
}

// TestLotCodeCheckCatchesEverySlip: over many codes, every single wrong
// character and every swap of neighbours fails the check, and a code is
// letters and digits only.
func TestLotCodeCheckCatchesEverySlip(t *testing.T) {
	for seq := int64(1); seq <= 3000; seq++ {
		c := []byte(LotCodeFor(seq))
		for i, ch := range c {
			if strings.IndexByte(crockford, ch) < 0 {
				t.Fatalf("code %s has %q, not a letter or digit of the alphabet", c, ch)
			}
			for _, r := range []byte(crockford) {
				if r == ch {
					continue
				}
				c[i] = r
				if damm32(c[:8]) == strings.IndexByte(crockford, c[8]) {
					t.Fatalf("entry %d: %s with one slip passes", seq, c)
				}
				c[i] = ch
			}
		}
	}
}

// TestLegacyLotCodesStayValid: labels printed with the first generation's
// check symbols (mod 37, * ~ $ = U) still scan.
func TestLegacyLotCodesStayValid(t *testing.T) {
	legacy := 0
	for seq := int64(1); seq <= 500; seq++ {
		code := LotCodeFor(seq)[:8]
		var x uint64
		for i := range 8 {
			x = x<<5 | uint64(strings.IndexByte(crockford, code[i]))
		}
		old := code + string(legacyCheckSymbols[x%37])
		if ValidateLotCode(old) != nil {
			t.Fatalf("legacy code %s no longer valid", old)
		}
		if x%37 >= 32 {
			legacy++
			if !CheckLotCode(old) || Misread(old) {
				t.Fatalf("legacy code %s with a check symbol fails its check", old)
			}
		}
	}
	if legacy == 0 {
		t.Fatal("no legacy code with a symbol check character among 500: the test checks nothing")
	}
}

// TestScannedLotCode: a label's text and a typed code give the same lot,
// and a misread generated code is told apart from a partner's own code.
func TestScannedLotCode(t *testing.T) {
	code := LotCodeFor(7)
	for _, in := range []string{LabelText(code), "  " + LabelText(code) + "\n", "stockpile:lot:" + strings.ToLower(code),
		code, strings.ToLower(code), "STOCKPILE:LOT: " + code} {
		if got := ScannedLotCode(in); got != code {
			t.Errorf("ScannedLotCode(%q) = %q, want %q", in, got, code)
		}
	}
	if got := ScannedLotCode("HB-2024-0001"); got != "HB-2024-0001" {
		t.Errorf("a partner's code came back as %q", got)
	}
	bad := []byte(code)
	bad[3] = crockford[(strings.IndexByte(crockford, bad[3])+1)%32]
	for in, want := range map[string]bool{string(bad): true, code: false, "HB-2024-0001": false, "ABCDEFGHI": false, "": false} {
		if got := Misread(in); got != want {
			t.Errorf("Misread(%q) = %t, want %t", in, got, want)
		}
	}
}

// TestDateArithmetic: days are counted across month and leap-year ends,
// and a missing date (a lot that does not expire) is no date.
func TestDateArithmetic(t *testing.T) {
	for _, c := range []struct {
		day  string
		n    int
		want string
	}{{"2026-06-01", 90, "2026-08-30"}, {"2028-02-28", 1, "2028-02-29"}, {"2026-12-31", 1, "2027-01-01"}, {"2026-03-01", -1, "2026-02-28"}, {"", 5, ""}} {
		if got := AddDays(c.day, c.n); got != c.want {
			t.Errorf("AddDays(%q, %d) = %q, want %q", c.day, c.n, got, c.want)
		}
		if c.day == "" {
			continue
		}
		if n, ok := DaysBetween(c.day, c.want); !ok || n != c.n {
			t.Errorf("DaysBetween(%q, %q) = %d, %t; want %d", c.day, c.want, n, ok, c.n)
		}
	}
	if _, ok := DaysBetween("2026-06-01", ""); ok {
		t.Error("DaysBetween to no date reported ok")
	}
}

func TestPickFEFO(t *testing.T) {
	cands := []Candidate{
		{LotID: 1, LotCode: "NOEXP", Quality: QualityGood, Available: Units(50)},
		{LotID: 2, LotCode: "LATE", ExpiresOn: "2027-01-01", Quality: QualityGood, Available: Units(10)},
		{LotID: 3, LotCode: "SOON", ExpiresOn: "2026-07-01", Quality: QualityGood, Available: Units(10)},
		{LotID: 4, LotCode: "GONE", ExpiresOn: "2026-05-31", Quality: QualityGood, Available: Units(99)},
		{LotID: 5, LotCode: "HELD", ExpiresOn: "2026-06-15", Quality: QualityPending, Available: Units(99)},
		{LotID: 6, LotCode: "TODAY", ExpiresOn: "2026-06-01", Quality: QualityGood, Available: Units(5)},
	}
	picks, err := PickFEFO(cands, Units(30), "2026-06-01")
	if err != nil {
		t.Fatal(err)
	}
	want := []Pick{{6, "TODAY", Units(5)}, {3, "SOON", Units(10)}, {2, "LATE", Units(10)}, {1, "NOEXP", Units(5)}}
	if len(picks) != len(want) {
		t.Fatalf("picks %+v, want %+v", picks, want)
	}
	for i := range want {
		if picks[i] != want[i] {
			t.Fatalf("pick %d = %+v, want %+v", i, picks[i], want[i])
		}
	}
	if _, err := PickFEFO(cands, Units(76), "2026-06-01"); err == nil {
		t.Fatal("picked 76 when only 75 are usable")
	}
}

// TestHashIsStable pins the canonical encoding: a change here would make
// every existing ledger fail verification, so it must come with a new
// hashVersion and a migration, never silently.
func TestHashIsStable(t *testing.T) {
	e := Entry{Seq: 1, PostingID: 1, Kind: EntryReceive, DepotID: 2, LotID: 3, ItemID: 4, Delta: Units(300),
		Actor: "库管员", Reason: "入库", At: 1767225600000000}
	h := NewHasher()
	h.Seal(&e, GenesisHash)
	// The documented format, written out independently of ledger.go.
	var b []byte
	str := func(s string) { b = append(append(b, byte(len(s))), s...) } // all lengths < 128
	str("stockpile/ledger-entry/v1")
	for _, v := range []int64{1, 1, 2, 3, 4, 300000, 1767225600000000} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	str("receive")
	str("库管员")
	str("入库")
	str(GenesisHash)
	sum := sha256.Sum256(b)
	if want := hex.EncodeToString(sum[:]); e.Hash != want {
		t.Fatalf("hash %s, want %s", e.Hash, want)
	}
	e2 := e
	e2.Actor = "库管员 "
	if h.Hash(&e2) == e.Hash {
		t.Fatal("a changed actor kept the same hash")
	}
	e3 := e
	e3.Actor, e3.Reason = "库管员入", "库" // same concatenation, different fields
	if h.Hash(&e3) == e.Hash {
		t.Fatal("field boundaries are not part of the hash")
	}
}

func TestPostingValidate(t *testing.T) {
	ok := Line{Kind: KindIssue, Depot: "D", Item: "1010101", Quantity: Units(1)}
	cases := map[string]Posting{
		"no actor":           {Reason: "r", Lines: []Line{ok}},
		"no lines":           {Actor: "a", Reason: "r"},
		"bad kind":           {Actor: "a", Reason: "r", Lines: []Line{{Kind: "steal", Depot: "D", Item: "1", Quantity: 1}}},
		"transfer to itself": {Actor: "a", Reason: "r", Lines: []Line{{Kind: KindTransfer, Depot: "D", ToDepot: "D", Item: "1", Quantity: 1}}},
		"receive both lots":  {Actor: "a", Reason: "r", Lines: []Line{{Kind: KindReceive, Depot: "D", Item: "1", Lot: "X", NewLot: &LotSpec{Batch: "b"}, Quantity: 1}}},
		"zero adjust":        {Actor: "a", Reason: "r", Lines: []Line{{Kind: KindAdjust, Depot: "D", Item: "1", Lot: "X"}}},
		"scrap without lot":  {Actor: "a", Reason: "r", Lines: []Line{{Kind: KindScrap, Depot: "D", Item: "1", Quantity: 1}}},
	}
	for name, p := range cases {
		if err := p.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := (Posting{Actor: "a", Reason: "r", Lines: []Line{ok}}).Validate(); err != nil {
		t.Errorf("valid posting refused: %v", err)
	}
}
