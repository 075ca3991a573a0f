// Command loadgen measures a running Ponte the way an ERP loads it: closed-loop clients over
// GraphQL with real tokens from the server's development provider, on N funded, KYC-approved
// accounts. It counts execution where it is written (payments reaching FINISHED, read from
// PostgreSQL at DATABASE_URL), and with -anchor-url runs the raw-SQL anchor (pgbench) before each
// Ponte run, interleaved, and prints the ratios. After every run it checks the ledger and stops
// with exit status 1 on a mismatch. It is a measuring tool: loopback only, bounded runs, never
// part of go test.
//
//	go run ./cmd/loadgen -url http://localhost:18090 -database-url postgres://postgres@127.0.0.1:5432/ponte_bench?sslmode=disable \
//	    -workloads W1,W2,W6 -clients 1,16,32 -window 20s -anchor-url postgres://postgres@127.0.0.1:5432/ponte_raw?sslmode=disable
//
// bench/anchor-vs-ponte.sh starts Ponte on a fresh database and the anchor on its own, and runs this.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// config is the command line.
type config struct {
	url, databaseURL       string
	accounts, setupClients int
	pageAccounts           int
	workloads              []string
	clients                []int
	warmup, window, drain  time.Duration
	pairs                  int
	serverPID              int
	anchorURL, anchorDir   string
	jsonPath, note         string
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var workloads, clients string
	var quick bool
	dbDefault := getenv("DATABASE_URL")
	if dbDefault == "" {
		dbDefault = "postgres://postgres@127.0.0.1:5432/ponte_bench?sslmode=disable"
	}
	fs.StringVar(&c.url, "url", "http://localhost:18090", "the running Ponte (its development provider issues the tokens)")
	fs.StringVar(&c.databaseURL, "database-url", dbDefault, "Ponte's database, read to count execution (default $DATABASE_URL)")
	fs.IntVar(&c.accounts, "accounts", 1000, "funded, KYC-approved accounts to set up (reused when they exist)")
	fs.IntVar(&c.setupClients, "setup-clients", 16, "parallel requests during setup")
	fs.IntVar(&c.pageAccounts, "page-accounts", 100, "W6: accounts given at least 50 statement entries and read")
	fs.StringVar(&workloads, "workloads", "W1,W2,W3,W4,W5,W6", "workloads to run, in order")
	fs.StringVar(&clients, "clients", "1,16,32", "closed-loop client counts")
	fs.DurationVar(&c.warmup, "warmup", 5*time.Second, "warm-up before each window")
	fs.DurationVar(&c.window, "window", 20*time.Second, "measured window")
	fs.DurationVar(&c.drain, "drain-timeout", 3*time.Minute, "longest wait for the backlog to drain after a window")
	fs.IntVar(&c.pairs, "pairs", 1, "repetitions of each (workload, clients) cell; with an anchor, raw and Ponte alternate")
	fs.IntVar(&c.serverPID, "server-pid", 0, "the server's process, for RSS (default: the process listening on -url's port)")
	fs.StringVar(&c.anchorURL, "anchor-url", "", "the raw-SQL anchor's database (pgbench); empty: Ponte alone")
	fs.StringVar(&c.anchorDir, "anchor-scripts", "../shared/bench/pgbench", "the anchor's pgbench scripts")
	fs.StringVar(&c.jsonPath, "json", "", "also write the results as JSON to this file")
	fs.StringVar(&c.note, "note", "", "free text kept in the JSON (commit, machine)")
	fs.BoolVar(&quick, "quick", false, "5 s windows, 2 s warm-up, 1 and 16 clients (unless given)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if quick {
		if !set["window"] {
			c.window = 5 * time.Second
		}
		if !set["warmup"] {
			c.warmup = 2 * time.Second
		}
		if !set["clients"] {
			clients = "1,16"
		}
	}
	for _, w := range strings.Split(workloads, ",") {
		w = strings.ToUpper(strings.TrimSpace(w))
		if _, ok := workloadNames[w]; !ok {
			return c, fmt.Errorf("unknown workload %q (W1…W6)", w)
		}
		c.workloads = append(c.workloads, w)
	}
	for _, s := range strings.Split(clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1024 {
			return c, fmt.Errorf("bad client count %q", s)
		}
		c.clients = append(c.clients, n)
	}
	if c.accounts < 2 || c.pairs < 1 || c.window <= 0 || c.warmup < 0 {
		return c, errors.New("need -accounts ≥ 2, -pairs ≥ 1, a positive -window")
	}
	u, err := url.Parse(c.url)
	if err != nil || (u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") {
		return c, errors.New("-url must be a loopback address")
	}
	if c.serverPID == 0 {
		port, _ := strconv.Atoi(u.Port())
		c.serverPID = pidListening(port)
	}
	return c, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	var mismatch *ledgerMismatch
	switch {
	case errors.As(err, &mismatch):
		fmt.Fprintln(os.Stderr, "loadgen: LEDGER CHECK FAILED:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
}

// ledgerMismatch is the ledger check failing after a run.
type ledgerMismatch struct{ after, report string }

func (e *ledgerMismatch) Error() string { return "after " + e.after + ":\n" + e.report }

// result is one run of one cell: the anchor's, Ponte's, and the checks after it.
type result struct {
	Workload  string     `json:"workload"`
	Clients   int        `json:"clients"`
	Pair      int        `json:"pair"`
	Raw       *rawResult `json:"raw,omitempty"`
	Load      load       `json:"load"`
	Exec      *execution `json:"execution,omitempty"` // nil for reads
	RSSMaxKiB int64      `json:"rss_max_kib"`
	HWMKiB    int64      `json:"hwm_kib"`
	LoadAvg   float64    `json:"loadavg_1m"` // the host's, at the window's end: other work sharing the machine
	LedgerOK  bool       `json:"ledger_ok"`
	Ledger    string     `json:"ledger"`
}

// ratio is Ponte's rate (FINISHED/s, or pages/s for reads) over the anchor's; 0 without one.
func (r result) ratio() float64 {
	if r.Raw == nil || r.Raw.TPS == 0 {
		return 0
	}
	return r.rate() / r.Raw.TPS
}

// rate is what Ponte completed per second: FINISHED/s for payments, pages/s for reads.
func (r result) rate() float64 {
	if r.Exec != nil {
		return rate(r.Exec.Finished, r.Load.Window)
	}
	return rate(r.Load.OK, r.Load.Window)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
	}
	maxClients := 0
	for _, c := range cfg.clients {
		maxClients = max(maxClients, c)
	}
	a := newAPI(cfg.url, max(maxClients, cfg.setupClients))
	m, err := openMeter(ctx, cfg.databaseURL)
	if err != nil {
		return fmt.Errorf("the database of Ponte: %w", err)
	}
	defer m.close()
	e := &env{api: a, tenant: a.clientToken("demo-erp", "demo-erp-secret")}
	operator := a.clientToken("demo-operator", "demo-operator-secret")
	if e.accounts, err = setupAccounts(ctx, a, e.tenant, operator, cfg.accounts, cfg.setupClients, logf); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	for _, w := range cfg.workloads {
		switch w {
		case "W4":
			if e.holderID, err = consentedAccount(ctx, a, m, e.tenant, logf); err != nil {
				return fmt.Errorf("W4 setup: %w", err)
			}
			e.holder = a.holderToken()
			if _, err := e.holder.get(ctx); err != nil {
				return fmt.Errorf("W4 setup, holder login: %w", err)
			}
		case "W6":
			if e.pages, err = pageAccounts(ctx, a, m, e.tenant, e.accounts[:min(cfg.pageAccounts, len(e.accounts))], cfg.setupClients, logf); err != nil {
				return fmt.Errorf("W6 setup: %w", err)
			}
		}
	}
	var an *anchor
	if cfg.anchorURL != "" {
		tmp, err := os.MkdirTemp("", "loadgen-anchor")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		an = &anchor{dsn: cfg.anchorURL, scripts: cfg.anchorDir, tmp: tmp}
	}
	if cfg.serverPID == 0 {
		logf("no server process found: RSS not measured (give -server-pid)")
	}

	var results []result
	save := func() { // after every run: a long run stopped midway keeps what it measured
		if cfg.jsonPath == "" {
			return
		}
		raw, _ := json.MarshalIndent(map[string]any{"note": cfg.note, "config": cfgJSON(cfg), "results": results}, "", "  ")
		if err := os.WriteFile(cfg.jsonPath, raw, 0o644); err != nil {
			logf("write %s: %v", cfg.jsonPath, err)
		}
	}
	defer func() { printTable(stdout, cfg, results) }()
	seq := 0
	for _, w := range cfg.workloads {
		op, err := e.op(w)
		if err != nil {
			return err
		}
		for _, clients := range cfg.clients {
			for pair := 1; pair <= cfg.pairs; pair++ {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				r := result{Workload: w, Clients: clients, Pair: pair}
				if an != nil {
					raw, err := an.run(ctx, w, clients, cfg.window)
					if err != nil {
						return err
					}
					r.Raw = &raw
					logf("%s c=%d pair %d: raw %.0f/s", w, clients, pair, raw.TPS)
				}
				seq++
				e.run = fmt.Sprintf("lg%d-%s-%d", time.Now().Unix(), w, seq)
				if err := measure(ctx, cfg, e, m, op, &r); err != nil {
					return err
				}
				results = append(results, r)
				save()
				done := "FINISHED"
				if r.Exec == nil {
					done = "pages"
				}
				logf("%s c=%d pair %d: accepted %.0f/s, %s %.0f/s, errors %d%s", w, clients, pair,
					rate(r.Load.OK, r.Load.Window), done, r.rate(), r.Load.Errors, firstErr(r.Load))
				if !r.LedgerOK {
					return &ledgerMismatch{after: fmt.Sprintf("%s at %d clients", w, clients), report: r.Ledger}
				}
			}
		}
	}
	return nil
}

func firstErr(l load) string {
	if l.FirstErr == "" {
		return ""
	}
	return " (first: " + l.FirstErr + ")"
}

// measure runs one Ponte window and everything after it: drain, execution, memory, ledger.
func measure(ctx context.Context, cfg config, e *env, m *meter, op func(context.Context, *client) outcome, r *result) error {
	var mu sync.Mutex
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // the server's resident set, sampled through the window and the drain
		defer close(sampled)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if cfg.serverPID != 0 {
				if mem, err := readMemory(cfg.serverPID); err == nil {
					mu.Lock()
					r.RSSMaxKiB, r.HWMKiB = max(r.RSSMaxKiB, mem.RSS), mem.HWM
					mu.Unlock()
				}
			}
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
		}
	}()
	var start, t0, t1 time.Time
	r.Load, start, t0, t1 = closedLoop(r.Clients, cfg.warmup, cfg.window, uint64(time.Now().UnixNano()), op)
	r.LoadAvg = loadAverage()
	if r.Workload != "W6" {
		drained, err := m.waitDrained(ctx, start, cfg.drain)
		if err != nil {
			return err
		}
		ex, err := m.executed(ctx, start, t0, t1, drained)
		if err != nil {
			return err
		}
		r.Exec = &ex
	}
	close(stopSampling)
	<-sampled
	report, err := m.checkLedger(ctx)
	if err != nil {
		return fmt.Errorf("ledger check: %w", err)
	}
	r.LedgerOK, r.Ledger = report.OK(), report.String()
	return nil
}

func cfgJSON(c config) map[string]any {
	return map[string]any{"url": c.url, "accounts": c.accounts, "workloads": c.workloads, "clients": c.clients,
		"warmup": c.warmup.String(), "window": c.window.String(), "pairs": c.pairs, "anchor": c.anchorURL != ""}
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64)
	case d < 10*time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

func triple(s summary) string {
	if s.N == 0 {
		return "—"
	}
	return ms(s.P50) + " / " + ms(s.P95) + " / " + ms(s.P99)
}

// printTable writes every run, then with an anchor the median ratio of each cell.
func printTable(w io.Writer, cfg config, results []result) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(w, "\nloadgen: %d accounts, warm-up %s, window %s, %s\n", cfg.accounts, cfg.warmup, cfg.window, cfg.url)
	fmt.Fprintln(w, "| workload | clients | raw /s | accepted /s | FINISHED /s | ratio | errors | mutation p50/p95/p99 ms | created → FINISHED p50/p95/p99 ms | backlog at end | drain | RSS max MiB | load avg | ledger |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		raw, ratio := "—", "—"
		if r.Raw != nil {
			raw, ratio = fmt.Sprintf("%.0f", r.Raw.TPS), fmt.Sprintf("%.3f", r.ratio())
		}
		fin, c2f, backlog, drain := "—", "—", "—", "—"
		errs := strconv.Itoa(r.Load.Errors)
		if r.Exec != nil {
			fin = fmt.Sprintf("%.0f", rate(r.Exec.Finished, r.Load.Window))
			c2f = triple(r.Exec.CreatedToDone)
			backlog = strconv.Itoa(r.Exec.Backlog)
			drain = fmt.Sprintf("%.2f s", r.Exec.Drain.Seconds())
			if !r.Exec.Drained {
				drain = "> " + cfg.drain.String()
			}
			if n := r.Exec.Statuses["FAILED"]; n > 0 {
				errs += fmt.Sprintf(" (+%d FAILED)", n)
			}
		} else if r.Load.OK > 0 {
			fin = fmt.Sprintf("(%.1f entries/page)", float64(r.Load.Nodes)/float64(r.Load.OK))
		}
		if r.Load.Replays > 0 {
			errs += fmt.Sprintf(", %d replays", r.Load.Replays)
		}
		ledger := "OK"
		if !r.LedgerOK {
			ledger = "MISMATCH"
		}
		rss := "—"
		if r.RSSMaxKiB > 0 {
			rss = fmt.Sprintf("%.0f", float64(r.RSSMaxKiB)/1024)
		}
		fmt.Fprintf(w, "| %s | %d | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s |\n", r.Workload, r.Clients, raw,
			rate(r.Load.OK, r.Load.Window), fin, ratio, errs, triple(r.Load.Latency), c2f, backlog, drain, rss, r.LoadAvg, ledger)
	}
	type cell struct {
		w string
		c int
	}
	ratios := map[cell][]float64{}
	var order []cell
	for _, r := range results {
		if r.Raw == nil {
			continue
		}
		k := cell{r.Workload, r.Clients}
		if _, ok := ratios[k]; !ok {
			order = append(order, k)
		}
		ratios[k] = append(ratios[k], r.ratio())
	}
	if len(order) == 0 {
		return
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].w < order[j].w })
	fmt.Fprintln(w, "\nratios (Ponte FINISHED/s ÷ raw/s; W6: pages/s ÷ raw prepared page/s), median over pairs:")
	for _, k := range order {
		fmt.Fprintf(w, "  %s c=%-3d %.3f  (%d pair(s): %s)\n", k.w, k.c, median(append([]float64(nil), ratios[k]...)), len(ratios[k]), fmtRatios(ratios[k]))
	}
}

func fmtRatios(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf("%.3f", x)
	}
	return strings.Join(s, ", ")
}
