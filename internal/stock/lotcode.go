package stock

import (
	"strings"

	"github.com/stockpile-dev/stockpile/internal/apperr"
)

// crockford is Douglas Crockford's base-32 alphabet: no I, L, O or U, so a
// code read aloud or copied by hand from a label is hard to get wrong.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// legacyCheckSymbols are the check symbols of the first generation of
// codes: Crockford's mod-37 check, whose five extra symbols (* ~ $ = U)
// looked like typos to the people who read and typed them. Codes made
// since carry a check character of the alphabet itself ([damm32]); the
// labels already printed with a legacy code stay valid.
const legacyCheckSymbols = crockford + "*~$=U"

// lotCodeBits is the width of the code space: 8 base-32 digits.
const lotCodeBits = 40

// LotCodeFor returns the printable code of the lot created by the ledger
// entry with sequence number seq: eight Crockford base-32 digits followed by
// a check character of the same alphabet, e.g. "K3V9TQ2M7" — letters and
// digits only, so a code read aloud or typed from a label has nothing that
// looks like punctuation.
//
// The digits are a bijective scramble of seq over 40 bits, so two lots never
// share a code, the codes do not reveal how many lots exist, and the same
// ledger always yields the same codes (the demo data is deterministic).
func LotCodeFor(seq int64) string {
	const mask = 1<<lotCodeBits - 1
	x := uint64(seq) & mask
	// Each step is a bijection on 40-bit values: odd multiplications
	// modulo 2^40 and xor-shifts to the right.
	x = (x * 0x9E3779B97F) & mask
	x ^= x >> 19
	x = (x * 0xC2B2AE3D27) & mask
	x ^= x >> 21
	var b [9]byte
	for i := range 8 {
		b[i] = crockford[(x>>(5*uint(7-i)))&31]
	}
	b[8] = crockford[damm32(b[:8])]
	return string(b[:])
}

// damm32 returns the check digit (0–31) of base-32 digits given as
// Crockford characters: Damm's algorithm over the quasigroup x∗y = 2x ⊕ y
// of the field GF(32). Because that operation is totally anti-symmetric, the
// check catches every single wrong character and every swap of two
// neighbours, the two errors people and scanners make most. The check digit
// c of digits d is the one for which damm32(d + c) is 0.
func damm32(code []byte) int {
	r := 0
	for _, ch := range code {
		r = gf32Double(r) ^ strings.IndexByte(crockford, ch)
	}
	return gf32Double(r)
}

// gf32Double multiplies x by 2 in GF(32) = GF(2)[t]/(t⁵ + t² + 1).
func gf32Double(x int) int {
	x <<= 1
	if x&32 != 0 {
		x ^= 0b100101
	}
	return x
}

// CheckLotCode reports whether code is a well-formed generated lot code whose
// check character matches, in the current form or the legacy one with a
// check symbol (see legacyCheckSymbols): a scanner uses it to reject
// misreads.
func CheckLotCode(code string) bool {
	if len(code) != 9 {
		return false
	}
	var x uint64
	for i := range 8 {
		d := strings.IndexByte(crockford, code[i])
		if d < 0 {
			return false
		}
		x = x<<5 | uint64(d)
	}
	if crockford[damm32([]byte(code[:8]))] == code[8] {
		return true
	}
	// A legacy code is told by its check symbol only where that symbol
	// cannot end a current code; one ending in a digit or letter would
	// otherwise let a misread current code pass one time in 37. Legacy
	// codes of that kind are found by their lot all the same: the check
	// only tells a misread from an unknown code.
	return x%37 >= 32 && legacyCheckSymbols[x%37] == code[8]
}

// ValidateLotCode checks a lot code supplied from outside (a partner
// system's own label): 1 to 40 characters of A–Z, 0–9, '-', '_', '.', or
// the check symbols of generated codes ('*', '~', '$', '=').
func ValidateLotCode(code string) error {
	ok := len(code) > 0 && len(code) <= 40
	for i := 0; ok && i < len(code); i++ {
		c := code[i]
		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strings.IndexByte("-_.*~$=", c) >= 0
	}
	if !ok {
		return apperr.New(apperr.Invalid, "lot.code_malformed",
			"批次码「%s」格式错误：应为 1–40 位大写字母、数字或 - _ . * ~ $ =",
			"lot code %q is malformed: want 1–40 of A–Z, 0–9, - _ . * ~ $ =", code).WithField("lot.code")
	}
	return nil
}

// labelPrefix starts the text a lot's QR label encodes (一物一码).
const labelPrefix = "STOCKPILE:LOT:"

// LabelText returns the text a lot's QR label encodes: "STOCKPILE:LOT:"
// and the lot code, so a scanner can tell a Stockpile label from any other
// code on the box.
func LabelText(lotCode string) string { return labelPrefix + lotCode }

// ScannedLotCode returns the lot code in what a scanner or a keeper typed:
// a label's whole text (see [LabelText]) or the bare code, in either case,
// with surrounding spaces dropped. Hardware scanners type the label's text
// and Enter into whatever field has the focus, so every field that takes a
// lot code accepts both.
func ScannedLotCode(text string) string {
	code := strings.TrimSpace(text)
	if len(code) >= len(labelPrefix) && strings.EqualFold(code[:len(labelPrefix)], labelPrefix) {
		code = strings.TrimSpace(code[len(labelPrefix):])
	}
	return strings.ToUpper(code)
}

// Misread reports whether code has the shape of a generated lot code (nine
// symbols of its alphabet) but a check symbol that does not match: a code
// misread by a scanner or mistyped, rather than one that is merely unknown.
func Misread(code string) bool {
	if len(code) != 9 || CheckLotCode(code) {
		return false
	}
	for i := 0; i < 8; i++ {
		if strings.IndexByte(crockford, code[i]) < 0 {
			return false
		}
	}
	return strings.IndexByte(legacyCheckSymbols, code[8]) >= 0
}

// Unknown is what a failed lookup of a lot by code says, field naming
// where the code came from: for a code [Misread] reports, that it was
// misread (scan again) rather than that no such lot exists; any other
// error as it is.
func Unknown(code, field string, err error) error {
	if apperr.IsKind(err, apperr.NotFound) && Misread(code) {
		return MisreadError(code).WithField(field)
	}
	return err
}

// MisreadError is the error for a code that [Misread] reports: it says to
// scan again rather than that the lot does not exist.
func MisreadError(code string) *apperr.Error {
	return apperr.New(apperr.Invalid, "lot.misread", "批次码「%s」的校验位不符，可能扫错或输错，请重新扫描",
		"lot code %s fails its check symbol: misread or mistyped? Scan it again", code)
}
