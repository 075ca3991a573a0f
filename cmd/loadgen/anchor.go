package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// anchor runs the raw-SQL anchor (../shared/bench/pgbench) with pgbench on its own database.
type anchor struct {
	dsn     string // the raw database, e.g. postgres://postgres@127.0.0.1:5432/ponte_raw
	scripts string // the directory of the pgbench scripts
	tmp     string // where the hot-destination script is written
}

// hotDestination is W3's anchor, written like full-transfer-hot.sql with the roles swapped:
// every transfer credits account 1.
const hotDestination = `\set a random(1, 1000)
\set b 1
\set amt random(1, 10000)
BEGIN;
INSERT INTO payments(src,dst,amount,idem) VALUES (:a, :b, :amt, md5(random()::text)) RETURNING id \gset
UPDATE balances SET available = available - :amt WHERE id = :a AND available >= :amt RETURNING available AS abal \gset
UPDATE balances SET available = available + :amt WHERE id = :b RETURNING available AS bbal \gset
INSERT INTO entries(payment_id,account_id,amount,balance_after) VALUES (:id, :a, -:amt, :abal), (:id, :b, :amt, :bbal);
COMMIT;
`

// script is the pgbench script and protocol of a workload's anchor.
func (a *anchor) script(workload string) (file, protocol string, err error) {
	switch workload {
	case "W1", "W4", "W5": // the same complete transfer: the anchor has no approval and no replay
		return filepath.Join(a.scripts, "full-transfer.sql"), "simple", nil
	case "W2":
		return filepath.Join(a.scripts, "full-transfer-hot.sql"), "simple", nil
	case "W3":
		f := filepath.Join(a.tmp, "full-transfer-hot-destination.sql")
		return f, "simple", os.WriteFile(f, []byte(hotDestination), 0o644)
	case "W6":
		return filepath.Join(a.scripts, "statement-page.sql"), "prepared", nil
	}
	return "", "", fmt.Errorf("no anchor for %s", workload)
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)
var latencyLine = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)

// rawResult is one pgbench run.
type rawResult struct {
	TPS       float64
	LatencyMs float64 // average
}

// run runs workload's anchor for window at clients and reads pgbench's tps (without the
// initial connection time) and average latency.
func (a *anchor) run(ctx context.Context, workload string, clients int, window time.Duration) (rawResult, error) {
	file, protocol, err := a.script(workload)
	if err != nil {
		return rawResult{}, err
	}
	threads := min(clients, 2)
	secs := max(int(window.Round(time.Second)/time.Second), 1)
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-M", protocol, "-d", a.dsn, "-f", file,
		"-c", strconv.Itoa(clients), "-j", strconv.Itoa(threads), "-T", strconv.Itoa(secs))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return rawResult{}, fmt.Errorf("pgbench %s: %w\n%s", filepath.Base(file), err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return rawResult{}, fmt.Errorf("pgbench %s: no tps in\n%s", filepath.Base(file), out)
	}
	var r rawResult
	r.TPS, _ = strconv.ParseFloat(string(m[1]), 64)
	if l := latencyLine.FindSubmatch(out); l != nil {
		r.LatencyMs, _ = strconv.ParseFloat(string(l[1]), 64)
	}
	return r, nil
}
