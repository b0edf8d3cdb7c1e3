package server_test

import (
	"context"
	"database/sql"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stockpile-dev/stockpile/internal/server"
	"github.com/stockpile-dev/stockpile/internal/store/storetest"
)

// guardOptions makes the database guard quick, so the tests below wait
// little: a ping every 100 ms, down after 300 ms without an answer.
var guardOptions = server.Options{DBCheckInterval: 100 * time.Millisecond, DBCheckTimeout: 300 * time.Millisecond,
	RequestTimeout: 5 * time.Second}

// TestPostgresHangsAndRefuses puts a TCP proxy between the server and
// PostgreSQL that can stop forwarding (the server's processes stopped:
// connections open, no answer) or refuse connections (the server gone),
// and checks that requests get a fast 503 db.unavailable meanwhile, that
// what needs no database still works, and that the site recovers when the
// database is back.
func TestPostgresHangsAndRefuses(t *testing.T) {
	dsn := storetest.DSN(t, "postgres")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
	site := newHostileSite(t, storetest.OpenDSN(t, "postgres", u.String()), guardOptions)

	site.send(t, "GET", "/api/items", "", nil, 200)
	for _, mode := range []string{"hang", "refuse"} {
		t.Run(mode, func(t *testing.T) {
			proxy.set(mode)
			took := waitFor(t, 5*time.Second, "healthz 503 while the database does not answer", func() bool {
				status, body := site.send(t, "GET", "/healthz", "", nil, 0)
				return status == 503 && strings.Contains(body, "db.unavailable")
			})
			t.Logf("%s: /healthz answered 503 after %v", mode, took)
			for _, path := range []string{"/api/items", "/api/depots", "/"} {
				start := time.Now()
				status, body := site.send(t, "GET", path, "", nil, 0)
				if status != 503 || time.Since(start) > time.Second {
					t.Errorf("GET %s while the database is %s: %d after %v, want a fast 503: %.200s", path, mode,
						status, time.Since(start), body)
				}
			}
			site.send(t, "GET", "/static/css/app.css", "", nil, 200) // needs no database: still served
			proxy.set("pass")
			waitFor(t, 5*time.Second, "healthz 200 once the database is back", func() bool {
				status, _ := site.send(t, "GET", "/healthz", "", nil, 0)
				return status == 200
			})
			site.send(t, "GET", "/api/items", "", nil, 200)
			site.send(t, "POST", "/api/movements", `{"reason":"入库","lines":[{"kind":"receive","depot":"C-TEST-A",
				"item":"1010101","quantity":1,"lot":"TENT-A"}]}`, nil, 201)
		})
	}
}

// TestSQLiteLocked: while another process holds the SQLite file's write
// lock, a change waits no longer than its deadline and is answered 503,
// writing nothing; reads go on; once the lock is released, changes work.
func TestSQLiteLocked(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	opts := guardOptions
	opts.RequestTimeout = time.Second
	site := newHostileSite(t, storetest.OpenDSN(t, "sqlite", dsn), opts)

	raw, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ctx := context.Background()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	receipt := `{"reason":"入库","lines":[{"kind":"receive","depot":"C-TEST-A","item":"1010101","quantity":1,"lot":"TENT-A"}]}`
	start := time.Now()
	status, body := site.send(t, "POST", "/api/movements", receipt, nil, 0)
	if status != 503 || time.Since(start) > 3*time.Second || !strings.Contains(body, "request.timeout") {
		t.Errorf("a change while the file is locked: %d after %v: %s", status, time.Since(start), body)
	}
	site.send(t, "GET", "/api/items", "", nil, 200)
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	site.send(t, "POST", "/api/movements", receipt, nil, 201)
	_, body = site.send(t, "GET", "/api/balances?depot=C-TEST-A", "", nil, 200)
	if !strings.Contains(body, `"quantity":101`) {
		t.Errorf("after the lock: one receipt, not two: %s", body)
	}
}

// proxy forwards TCP connections to a target until told otherwise: in
// mode "hang" it forwards nothing (connections stay open, new ones are
// accepted and left waiting), in "refuse" it closes every connection and
// its listener, and in "pass" it forwards again.
type proxy struct {
	t      *testing.T
	addr   string
	target string

	mu    sync.Mutex // guards everything below
	cond  *sync.Cond
	mode  string
	ln    net.Listener
	conns map[net.Conn]bool
}

func startProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target, mode: "pass", conns: map[net.Conn]bool{}}
	p.cond = sync.NewCond(&p.mu)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.listen(ln)
	t.Cleanup(func() { p.set("refuse") })
	return p
}

func (p *proxy) listen(ln net.Listener) {
	p.ln = ln
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
}

// set changes the mode; "pass" after "refuse" listens again on the same
// address.
func (p *proxy) set(mode string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if mode == "refuse" {
		p.ln.Close()
		for c := range p.conns {
			c.Close()
		}
	}
	if mode == "pass" && p.mode == "refuse" {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			p.t.Errorf("proxy: listen again on %s: %v", p.addr, err)
		} else {
			p.listen(ln)
		}
	}
	p.mode = mode
	p.cond.Broadcast()
}

// wait blocks while the proxy hangs; false when it refuses.
func (p *proxy) wait() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.mode == "hang" {
		p.cond.Wait()
	}
	return p.mode == "pass"
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == "refuse" {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *proxy) serve(client net.Conn) {
	if !p.track(client) || !p.wait() {
		return
	}
	server, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(server) {
		client.Close()
		return
	}
	go p.pipe(server, client)
	p.pipe(client, server)
}

// pipe copies from src to dst, holding each chunk while the proxy hangs.
func (p *proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.wait() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
