package store_test

import (
	"context"
	"testing"

	"github.com/stockpile-dev/stockpile/internal/apperr"
	"github.com/stockpile-dev/stockpile/internal/area"
	"github.com/stockpile-dev/stockpile/internal/geo"
	"github.com/stockpile-dev/stockpile/internal/org"
	"github.com/stockpile-dev/stockpile/internal/reserve"
	"github.com/stockpile-dev/stockpile/internal/stock"
	"github.com/stockpile-dev/stockpile/internal/store"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// Organisations of the party tests, beside the World's city bureau.
const (
	partyEnterprise = "ENT-TENT"
	partyDistrict   = "FS-EMB"
	partyDepartment = "BJ-COMMERCE"
)

// addPartyOrgs adds to the World an enterprise in Fangshan (the other side
// of contract reserves), Fangshan's emergency management bureau and a city
// government department.
func addPartyOrgs(t *testing.T, s *store.Store, w storetest.World) {
	t.Helper()
	ctx := context.Background()
	for _, o := range []org.Org{
		{Code: partyEnterprise, NameZH: "测试帐篷厂", Kind: org.KindEnterprise, AreaCode: w.District},
		{Code: partyDistrict, NameZH: "房山区应急管理局", Kind: org.KindBureau, AreaCode: w.District},
		{Code: partyDepartment, NameZH: "北京市商务局", Kind: org.KindDepartment, AreaCode: w.City},
	} {
		if _, err := s.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
}

func testAgreement(code, party string) reserve.Agreement {
	return reserve.Agreement{Code: code, OrgCode: partyEnterprise, Party: party, Item: storetest.Tent,
		Quantity: stock.Units(50), DeliveryHours: 6, ValidFrom: "2000-01-01", ValidUntil: "2099-12-31",
		Point: geo.Point{Lon: 116.2, Lat: 39.8}}
}

func testCapacity(code, party string) reserve.Capacity {
	return reserve.Capacity{Code: code, OrgCode: partyEnterprise, Party: party, Item: storetest.Tent,
		PerDay: stock.Units(200), LeadHours: 24, ValidFrom: "2000-01-01", ValidUntil: "2099-12-31",
		Point: geo.Point{Lon: 116.2, Lat: 39.8}}
}

// errField is the field an application error names, or "".
func errField(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Field
	}
	return ""
}

// TestReserveParty: an agreement or capacity reserve records its
// contracting party (签约主体). None named is the city's emergency
// management bureau (the bureau of the city-level area), not the bureau of
// the district the enterprise sits in; a district's bureau or a government
// department may sign; an enterprise, the other side of the contract, may
// not.
func TestReserveParty(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := storetest.Build(t, s)
		addPartyOrgs(t, s, w)

		a, err := s.CreateAgreement(ctx, testAgreement("XY-CITY", ""))
		if err != nil {
			t.Fatal(err)
		}
		if a.Party != w.Bureau || a.PartyNameZH != "北京市应急管理局" {
			t.Errorf("agreement without a party: party %q (%s), want the city's bureau %s", a.Party, a.PartyNameZH, w.Bureau)
		}
		c, err := s.CreateCapacity(ctx, testCapacity("CN-CITY", ""))
		if err != nil {
			t.Fatal(err)
		}
		if c.Party != w.Bureau || c.PartyNameZH != "北京市应急管理局" {
			t.Errorf("capacity without a party: party %q (%s), want the city's bureau %s", c.Party, c.PartyNameZH, w.Bureau)
		}

		if a, err := s.CreateAgreement(ctx, testAgreement("XY-FS", partyDistrict)); err != nil || a.Party != partyDistrict {
			t.Errorf("agreement signed by Fangshan's bureau: party %q, %v", a.Party, err)
		}
		if c, err := s.CreateCapacity(ctx, testCapacity("CN-COM", partyDepartment)); err != nil || c.Party != partyDepartment {
			t.Errorf("capacity signed by a department: party %q, %v", c.Party, err)
		}
		list, err := s.Agreements(ctx, store.ReserveFilter{})
		if err != nil || len(list) != 2 || list[0].Party != w.Bureau || list[1].Party != partyDistrict {
			t.Errorf("agreements %+v, %v; want XY-CITY by %s and XY-FS by %s", list, err, w.Bureau, partyDistrict)
		}

		// An enterprise as party is refused, and nothing is stored.
		_, err = s.CreateAgreement(ctx, testAgreement("XY-ENT", partyEnterprise))
		if errCode(err) != "reserve.party_invalid" || errField(err) != "party" {
			t.Errorf("agreement signed by an enterprise: %v (field %q), want reserve.party_invalid on party", err, errField(err))
		}
		if _, err := s.Agreement(ctx, "XY-ENT"); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the refused agreement was stored: %v", err)
		}
		_, err = s.CreateCapacity(ctx, testCapacity("CN-ENT", partyEnterprise))
		if errCode(err) != "reserve.party_invalid" || errField(err) != "party" {
			t.Errorf("capacity signed by an enterprise: %v (field %q), want reserve.party_invalid on party", err, errField(err))
		}
		if _, err := s.Capacity(ctx, "CN-ENT"); !apperr.IsKind(err, apperr.NotFound) {
			t.Errorf("the refused capacity was stored: %v", err)
		}
		// An unknown party names the field too.
		if _, err := s.CreateAgreement(ctx, testAgreement("XY-NONE", "NO-SUCH-ORG")); err == nil || errField(err) != "party" {
			t.Errorf("agreement signed by an unknown organisation: %v (field %q), want an error on party", err, errField(err))
		}
	})
}

// partyStep is the schema version that added the contracting party
// (migrate.go, step 6 "contracting party of contract reserves").
const partyStep = 6

// TestUpgradeGivesReservesTheCityBureau fills a database at the schema
// before the contracting party with an agreement and a capacity reserve of
// an enterprise in Fangshan, and upgrades it: both were signed by the city,
// so both get the city's bureau, not Fangshan's, which sits in the
// enterprise's district.
func TestUpgradeGivesReservesTheCityBureau(t *testing.T) {
	t.Parallel()
	if store.LatestVersion() < partyStep {
		t.Fatalf("schema has %d steps, want the party step %d", store.LatestVersion(), partyStep)
	}
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			s, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.MigrateTo(ctx, partyStep-1); err != nil {
				t.Fatal(err)
			}
			if v, err := s.Version(ctx); err != nil || v != partyStep-1 {
				t.Fatalf("version %d, %v; want %d", v, err, partyStep-1)
			}
			w := storetest.Build(t, s)
			addPartyOrgs(t, s, w)
			// Quantities are stored in thousandths (stock.Units(1) = 1000).
			raw := storetest.Raw(t, engine, dsn)
			counted := map[string]string{"sqlite": "1", "postgres": "TRUE"}[engine]
			for _, q := range []string{
				`INSERT INTO items (code, name_zh, unit_zh, counted, purpose) VALUES ('` + storetest.Tent + `', '单帐篷', '顶', ` +
					counted + `, 'life')`,
				`INSERT INTO agreement_reserves (code, org_id, item_id, quantity, delivery_hours, valid_from, valid_until, lat, lon)
				 SELECT 'XY-OLD', o.id, i.id, 50000, 6, '2000-01-01', '2099-12-31', 39.8, 116.2
				 FROM orgs o, items i WHERE o.code = '` + partyEnterprise + `' AND i.code = '` + storetest.Tent + `'`,
				`INSERT INTO capacity_reserves (code, org_id, item_id, per_day, lead_hours, valid_from, valid_until, lat, lon)
				 SELECT 'CN-OLD', o.id, i.id, 200000, 24, '2000-01-01', '2099-12-31', 39.8, 116.2
				 FROM orgs o, items i WHERE o.code = '` + partyEnterprise + `' AND i.code = '` + storetest.Tent + `'`,
			} {
				mustExec(t, raw, q)
			}
			if err := s.Migrate(ctx, nil); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			a, err := s.Agreement(ctx, "XY-OLD")
			if err != nil || a.Party != w.Bureau || a.Quantity != stock.Units(50) {
				t.Errorf("agreement after the upgrade: %+v, %v; want 50 signed by %s", a, err, w.Bureau)
			}
			c, err := s.Capacity(ctx, "CN-OLD")
			if err != nil || c.Party != w.Bureau || c.PerDay != stock.Units(200) {
				t.Errorf("capacity after the upgrade: %+v, %v; want 200 a day signed by %s", c, err, w.Bureau)
			}
		})
	}
}

// TestReservePartyWithoutCityBureau: while the city has no bureau, a
// reserve created without a party has none (readiness counts it for the
// city), and the bureau created later does not change it.
func TestReservePartyWithoutCityBureau(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, a := range []area.Area{
			{Code: "110000", Level: area.LevelCity, NameZH: "北京市", Point: geo.Point{Lon: 116.3913, Lat: 39.9054}},
			{Code: "110111", ParentCode: "110000", Level: area.LevelDistrict, NameZH: "房山区",
				Point: geo.Point{Lon: 116.1329, Lat: 39.7342}},
		} {
			if _, err := s.CreateArea(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range []org.Org{
			{Code: partyEnterprise, NameZH: "测试帐篷厂", Kind: org.KindEnterprise, AreaCode: "110111"},
			{Code: partyDistrict, NameZH: "房山区应急管理局", Kind: org.KindBureau, AreaCode: "110111"},
		} {
			if _, err := s.CreateOrg(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		a, err := s.CreateAgreement(ctx, testAgreement("XY-EARLY", ""))
		if err != nil || a.Party != "" {
			t.Fatalf("agreement before the city has a bureau: party %q, %v; want none (not the district's)", a.Party, err)
		}
		if _, err := s.CreateOrg(ctx, org.Org{Code: "BJ-EMB", NameZH: "北京市应急管理局", Kind: org.KindBureau,
			AreaCode: "110000"}); err != nil {
			t.Fatal(err)
		}
		if a, err := s.Agreement(ctx, "XY-EARLY"); err != nil || a.Party != "" {
			t.Errorf("after the city's bureau is created: party %q, %v; want still none", a.Party, err)
		}
	})
}
