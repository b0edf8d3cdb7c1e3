package api

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stockpile-dev/stockpile/internal/report"
	"github.com/stockpile-dev/stockpile/internal/sign"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
)

// TestUpwardMessage takes in the signed report to the level above as the
// province's system would: checks the signature against the published
// keys, validates the message against its schema, and finds the figures
// the workbook shows (the city's holdings in 汇总); a changed message
// fails the signature and a message off the schema fails validation.
func TestUpwardMessage(t *testing.T) {
	t.Parallel()
	schema := compileSchema(t)
	eachDemoAPI(t, func(t *testing.T, a *testAPI) {
		// Something issued this month, and an incident open.
		issue := `{"reason":"房山区汛情调用","lines":[{"kind":"issue","depot":"C-FS-RELIEF","item":"1010101","quantity":7}]}`
		if rec := a.do("POST", "/api/movements", issue, nil, false); rec.Code != 201 {
			t.Fatalf("issue: %d %s", rec.Code, rec.Body)
		}
		inc := `{"code":"FS-TEST-1","title":"房山暴雨（测试）","type":"flood","level":2,"sites":[{"code":"S1","name":"安置点",
			"area":"110111","point":{"lon":116.14,"lat":39.73},"demands":[{"item":"1010101","quantity":10,"within_hours":6}]}]}`
		if rec := a.do("POST", "/api/incidents", inc, nil, false); rec.Code != 201 && rec.Code != 200 {
			t.Fatalf("incident: %d %s", rec.Code, rec.Body)
		}
		rec := a.do("GET", "/api/exports/report.jws?area=110000", "", nil, false)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/jose" {
			t.Fatalf("report.jws: %d %s %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		var keys struct {
			Keys []sign.JWK `json:"keys"`
		}
		decodeBody(t, a.do("GET", "/api/keys", "", map[string]string{"Authorization": ""}, false), &keys)
		payload, err := sign.Verify(rec.Body.String(), keys.Keys)
		if err != nil {
			t.Fatalf("the signature: %v (keys %+v)", err, keys.Keys)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Fatalf("the message does not validate against its schema: %v\n%s", err, payload)
		}
		var m report.UpwardMessage
		if err := json.Unmarshal(payload, &m); err != nil {
			t.Fatal(err)
		}
		held, err := a.s.Balances(context.Background(), store.BalanceQuery{GroupBy: "item", Area: "110000"})
		if err != nil {
			t.Fatal(err)
		}
		var classes stock.Quantity
		for _, c := range m.Classes {
			classes += c.Sum
		}
		if n := len(m.Total); n != len(m.Columns)+1 || m.Total[n-1] != held.Totals.Quantity || classes != m.Total[n-1] ||
			len(m.Items) == 0 || m.Date != "2026-06-01" {
			t.Errorf("the message's totals %v, classes %s; the city holds %s", m.Total, classes, held.Totals.Quantity)
		}

		if m.Period.From != "2026-06-01" || m.Period.To != "2026-06-01" ||
			!slices.ContainsFunc(m.Used, func(u report.UpwardUsedJSON) bool { return u.Code == "1010101" && u.Quantity.String() == "7" }) ||
			!slices.ContainsFunc(m.Incidents, func(i report.UpwardIncidentJSON) bool { return i.Code == "FS-TEST-1" && i.Level == 2 }) {
			t.Errorf("the period %+v, used %+v, open incidents %+v", m.Period, m.Used, m.Incidents)
		}
		if m.Readiness.Hazard == "" || len(m.Readiness.Districts) < 10 {
			t.Errorf("readiness %s of %d districts; want the city's", m.Readiness.Hazard, len(m.Readiness.Districts))
		}
		if rec := a.do("GET", "/api/exports/report.jws?area=110000&from=2026-06-02&to=2026-06-01", "", nil, false); rec.Code != 400 {
			t.Errorf("a period that ends before it starts: %d", rec.Code)
		}

		// What the receiver refuses.
		var off map[string]any
		json.Unmarshal(payload, &off)
		off["total"] = []any{-1}
		if err := schema.Validate(off); err == nil {
			t.Error("a negative total validated")
		}
		delete(off, "items")
		if err := schema.Validate(off); err == nil {
			t.Error("a message without items validated")
		}
		if _, err := sign.Verify(rec.Body.String()+"x", keys.Keys); err == nil {
			t.Error("a changed signature verified")
		}
		// The key stays the same from one report to the next.
		again := a.do("GET", "/api/exports/report.jws?area=110000", "", nil, false)
		if _, err := sign.Verify(again.Body.String(), keys.Keys); err != nil {
			t.Errorf("the second report: %v", err)
		}
		if !slices.ContainsFunc(keys.Keys, func(k sign.JWK) bool { return k.Alg == "EdDSA" && k.Crv == "Ed25519" }) {
			t.Errorf("keys %+v", keys.Keys)
		}
	})
}

// compileSchema compiles the report's JSON schema from its file.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join("..", "report", "schema", "report-upward.v1.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(report.UpwardSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(report.UpwardSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
