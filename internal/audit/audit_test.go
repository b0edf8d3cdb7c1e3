package audit_test

import (
	"encoding/json"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/access"
	"github.com/stockpile-dev/stockpile/internal/audit"
)

func TestRecordHash(t *testing.T) {
	who := access.Actor{Principal: access.Principal{ID: "user:3"}, Address: "10.0.0.1"}
	r, err := audit.New(who, "depot.create", audit.Object{Kind: "depot", ID: "D-1", Version: 1}, nil,
		map[string]string{"code": "D-1"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Principal != "user:3" || r.Address != "10.0.0.1" || r.Before != nil || string(r.After) != `{"code":"D-1"}` {
		t.Fatalf("record %+v", r)
	}
	r.Seq, r.At = 1, 1700000000
	r.Seal(audit.GenesisHash)
	if len(r.Hash) != 64 || r.ComputeHash() != r.Hash {
		t.Fatalf("hash %q does not check out", r.Hash)
	}
	// Every field is covered: changing any one changes the hash.
	for name, change := range map[string]func(*audit.Record){
		"seq":       func(r *audit.Record) { r.Seq++ },
		"at":        func(r *audit.Record) { r.At++ },
		"principal": func(r *audit.Record) { r.Principal = "user:4" },
		"address":   func(r *audit.Record) { r.Address = "10.0.0.2" },
		"action":    func(r *audit.Record) { r.Action = "depot.update" },
		"kind":      func(r *audit.Record) { r.Object.Kind = "item" },
		"id":        func(r *audit.Record) { r.Object.ID = "D-2" },
		"version":   func(r *audit.Record) { r.Object.Version = 2 },
		"before":    func(r *audit.Record) { r.Before = json.RawMessage(`{}`) },
		"after":     func(r *audit.Record) { r.After = json.RawMessage(`{"code":"D-2"}`) },
		"prev":      func(r *audit.Record) { r.PrevHash = r.Hash },
		// Moving bytes from one string field to the next is not the same record.
		"boundary": func(r *audit.Record) { r.Principal, r.Address = "user:310.0.0.1", "" },
	} {
		c := r
		change(&c)
		if c.ComputeHash() == r.Hash {
			t.Errorf("changing %s leaves the hash as it was", name)
		}
	}
}
