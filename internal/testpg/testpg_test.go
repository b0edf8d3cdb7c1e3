package testpg

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestSchema checks the whole life of a test schema: the returned URL selects the new
// schema, tables land in it, other URL parameters survive, and the schema is gone once
// the (sub)test that asked for it has finished.
func TestSchema(t *testing.T) {
	var schema string

	t.Run("isolated schema", func(t *testing.T) {
		connURL := Schema(t)
		schema = SchemaName(connURL)
		if !strings.HasPrefix(schema, "t_") || len(schema) > maxIdentLen {
			t.Fatalf("schema name %q: want prefix t_ and at most %d bytes", schema, maxIdentLen)
		}
		if strings.Contains(URL(), "sslmode=disable") && !strings.Contains(connURL, "sslmode=disable") {
			t.Errorf("URL %q lost the sslmode parameter of %q", connURL, URL())
		}

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, connURL)
		if err != nil {
			t.Fatalf("connect with schema URL: %v", err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })

		var current string
		if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&current); err != nil {
			t.Fatalf("current_schema: %v", err)
		}
		if current != schema {
			t.Fatalf("current_schema() = %q, want %q", current, schema)
		}

		if _, err := conn.Exec(ctx, "CREATE TABLE widgets (id int PRIMARY KEY, name text NOT NULL)"); err != nil {
			t.Fatalf("create table: %v", err)
		}
		if _, err := conn.Exec(ctx, "INSERT INTO widgets VALUES (1, 'bolt')"); err != nil {
			t.Fatalf("insert: %v", err)
		}
		var tableSchema string
		err = conn.QueryRow(ctx,
			"SELECT table_schema FROM information_schema.tables WHERE table_name = 'widgets' AND table_schema = $1",
			schema).Scan(&tableSchema)
		if err != nil {
			t.Fatalf("table widgets not found in schema %s: %v", schema, err)
		}
	})

	if schema == "" {
		t.Fatal("subtest did not report its schema")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, URL())
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(ctx,
		"SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", schema).Scan(&n); err != nil {
		t.Fatalf("query schemata: %v", err)
	}
	if n != 0 {
		t.Fatalf("schema %s still exists after the subtest's cleanup", schema)
	}
}

// TestSchemaName checks that generated names are valid unquoted identifiers within
// PostgreSQL's length limit and unique even for the same test name.
func TestSchemaName(t *testing.T) {
	long := "TestSomething/with a very long subtest name: " + strings.Repeat("ÄbC-", 40)
	for _, in := range []string{"TestX", "TestX/sub_case#01", long, "///"} {
		a, b := schemaName(in), schemaName(in)
		if a == b {
			t.Errorf("schemaName(%q) returned %q twice", in, a)
		}
		if len(a) > maxIdentLen || !strings.HasPrefix(a, "t_") {
			t.Errorf("schemaName(%q) = %q: bad prefix or longer than %d", in, a, maxIdentLen)
		}
		for _, r := range a {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				t.Errorf("schemaName(%q) = %q contains %q", in, a, r)
			}
		}
	}
}

// TestWithSearchPath checks that the schema is added to both connection string forms
// while other parameters are kept.
func TestWithSearchPath(t *testing.T) {
	got, err := withSearchPath("postgres://u@h:5/db?sslmode=disable", "t_x_0a")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "sslmode=disable") || SchemaName(got) != "t_x_0a" {
		t.Errorf("URL form: got %q", got)
	}
	got, err = withSearchPath("host=h port=5 user=u", "t_x_0a")
	if err != nil {
		t.Fatal(err)
	}
	if got != "host=h port=5 user=u search_path=t_x_0a" || SchemaName(got) != "t_x_0a" {
		t.Errorf("keyword form: got %q", got)
	}
}
