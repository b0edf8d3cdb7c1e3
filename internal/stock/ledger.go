package stock

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
)

// Entry is one append-only ledger entry: a signed change of one lot's
// balance in one depot.
type Entry struct {
	Seq       int64     `json:"seq"` // position in the chain, from 1
	PostingID int64     `json:"posting_id"`
	Kind      EntryKind `json:"kind"`
	DepotID   int64     `json:"-"`
	LotID     int64     `json:"-"`
	ItemID    int64     `json:"-"`
	Delta     Quantity  `json:"delta"`
	Actor     string    `json:"actor"`
	Reason    string    `json:"reason"`
	At        int64     `json:"at"` // unix microseconds, UTC
	PrevHash  string    `json:"prev_hash"`
	Hash      string    `json:"hash"`

	// Codes for display; not part of the hash.
	DepotCode string `json:"depot"`
	LotCode   string `json:"lot"`
	ItemCode  string `json:"item"`
}

// GenesisHash is the "previous hash" of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// hashVersion prefixes the canonical encoding so a future format can be told
// apart from this one.
const hashVersion = "stockpile/ledger-entry/v1"

// Hasher computes entry hashes. It reuses its buffers, so one Hasher must not
// be shared between goroutines; the zero value is not ready: use NewHasher.
type Hasher struct {
	h   hash.Hash
	buf []byte
	sum [sha256.Size]byte
	hex [2 * sha256.Size]byte
}

// NewHasher returns a Hasher.
func NewHasher() *Hasher { return &Hasher{h: sha256.New()} }

// Hash returns the hex SHA-256 of e's canonical encoding followed by
// e.PrevHash. The canonical encoding is the version tag and each field in a
// fixed order, integers as 8-byte big-endian and strings length-prefixed, so
// no two different entries encode alike. e.Hash is ignored.
func (hs *Hasher) Hash(e *Entry) string {
	b := hs.buf[:0]
	b = appendString(b, hashVersion)
	for _, v := range [...]int64{e.Seq, e.PostingID, e.DepotID, e.LotID, e.ItemID, int64(e.Delta), e.At} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	b = appendString(b, string(e.Kind))
	b = appendString(b, e.Actor)
	b = appendString(b, e.Reason)
	b = appendString(b, e.PrevHash)
	hs.buf = b
	hs.h.Reset()
	hs.h.Write(b)
	hs.h.Sum(hs.sum[:0])
	hex.Encode(hs.hex[:], hs.sum[:])
	return string(hs.hex[:])
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Seal sets e.PrevHash to prev and e.Hash to the entry's hash.
func (hs *Hasher) Seal(e *Entry, prev string) {
	e.PrevHash = prev
	e.Hash = hs.Hash(e)
}
