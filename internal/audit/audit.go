// Package audit is the trail of every change that is not already a ledger
// entry: master data, users, tokens, settings, norms, scenarios,
// incidents, plans, transfer orders and pre-positioning, sign-ins and
// refused sign-ins (全程留痕). Records are appended, never changed, and
// chained with SHA-256 as the stock ledger is, so `stockpile verify`
// finds a record altered or removed.
//
// A [Record] is shaped as a change event: who, when, from where, what
// object (kind, id, version) and its state before and after. The change
// feed for partner systems will be written from the same call.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"

	"github.com/stockpile-dev/stockpile/internal/access"
)

// GenesisHash is the "previous hash" of the first record.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// hashVersion prefixes the canonical encoding.
const hashVersion = "stockpile/audit-record/v1"

// Object is what a record is about: "item" "TENT-01", "plan" "12",
// "user" "7", "session" (a sign-in). Version counts the object's changes
// where it has a version; 0 where not.
type Object struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Version int64  `json:"version,omitempty"`
}

// Record is one entry of the audit trail.
type Record struct {
	Seq       int64  `json:"seq"`
	At        int64  `json:"at"` // unix seconds
	Principal string `json:"principal"`
	Address   string `json:"address,omitempty"`
	// Action is what was done, dotted: "item.create", "plan.approve",
	// "user.disable", "session.create", "session.refused".
	Action string `json:"action"`
	Object Object `json:"object"`
	// Before and After are the object's JSON before and after; null for a
	// creation's before and a removal's after.
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// New returns the record of who doing action to obj, with the object's
// states before and after marshalled to JSON (nil for none). Seq, At and
// the hashes are the store's to fill.
func New(who access.Actor, action string, obj Object, before, after any) (Record, error) {
	r := Record{Principal: who.ID, Address: who.Address, Action: action, Object: obj}
	var err error
	if r.Before, err = marshal(before); err != nil {
		return r, err
	}
	r.After, err = marshal(after)
	return r, err
}

func marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	return json.Marshal(v)
}

// ComputeHash returns the hex SHA-256 of r's canonical encoding (a version
// tag, then every field but Hash in a fixed order, integers 8-byte
// big-endian, strings length-prefixed, so no two records encode alike).
func (r *Record) ComputeHash() string {
	var b []byte
	b = appendString(b, hashVersion)
	for _, v := range [...]int64{r.Seq, r.At, r.Object.Version} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	for _, s := range [...]string{r.Principal, r.Address, r.Action, r.Object.Kind, r.Object.ID,
		string(r.Before), string(r.After), r.PrevHash} {
		b = appendString(b, s)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Seal sets r.PrevHash to prev and r.Hash to the record's hash.
func (r *Record) Seal(prev string) {
	r.PrevHash = prev
	r.Hash = r.ComputeHash()
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Query selects records for a search: by principal, object, action prefix
// and time, newest first, a page at a time.
type Query struct {
	Principal  string
	ObjectKind string
	ObjectID   string
	Action     string // an action or a prefix of one ending in "."
	From, To   int64  // unix seconds, inclusive from, exclusive to; 0 open
	Before     int64  // only records with Seq below this (the next page); 0 from the newest
	Limit      int
}
