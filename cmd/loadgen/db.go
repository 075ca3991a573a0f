package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/globalid"
)

// meter reads Ponte's database directly: what was executed is counted where it is written.
type meter struct {
	db *gorm.DB
}

func openMeter(ctx context.Context, dsn string) (*meter, error) {
	db, err := database.Open(ctx, dsn, database.Pool{MaxOpen: 3, MaxIdle: 2, MaxLifetime: time.Hour})
	if err != nil {
		return nil, err
	}
	return &meter{db: db}, nil
}

func (m *meter) close() {
	if sqlDB, err := m.db.DB(); err == nil {
		sqlDB.Close()
	}
}

// holderAccountID is the global ID of the seeded demo holder's account.
func (m *meter) holderAccountID(ctx context.Context) (string, error) {
	var id string
	if err := m.db.WithContext(ctx).Raw("SELECT id FROM accounts WHERE document = ?", holderDocument).Scan(&id).Error; err != nil || id == "" {
		return "", fmt.Errorf("the demo holder's account is missing (development seed): %v", err)
	}
	return globalid.Encode(globalid.Account, uuid.MustParse(id)), nil
}

// entryCounts is the number of statement entries of each account (by global ID).
func (m *meter) entryCounts(ctx context.Context, ids []string) (map[string]int, error) {
	raw := make([]string, 0, len(ids))
	back := map[string]string{}
	for _, id := range ids {
		u, ok := globalid.DecodeAs(id, globalid.Account)
		if !ok {
			return nil, fmt.Errorf("not an account ID: %s", id)
		}
		raw = append(raw, u.String())
		back[u.String()] = id
	}
	var rows []struct {
		AccountID string
		N         int
	}
	err := m.db.WithContext(ctx).Raw(`SELECT la.account_id::text AS account_id, count(e.id) AS n
FROM ledger_accounts la LEFT JOIN ledger_entries e ON e.ledger_account_id = la.id
WHERE la.account_id::text IN ? GROUP BY la.account_id`, raw).Scan(&rows).Error
	out := map[string]int{}
	for _, r := range rows {
		out[back[r.AccountID]] = r.N
	}
	return out, err
}

// execution is what the database says about the payments a run created.
type execution struct {
	Finished      int           // payments that reached FINISHED inside the window
	CreatedToDone summary       // created → FINISHED of the payments created inside the window
	Backlog       int           // approved by the window's end, not yet executed then
	Drain         time.Duration // from the window's end to the last of the backlog executed
	Drained       bool          // false: the drain timed out with payments still waiting
	Statuses      map[string]int
}

// waitDrained polls until no payment created since since waits for execution (APPROVED, or
// CREATED in the hands of a holder who will approve it), or until timeout.
func (m *meter) waitDrained(ctx context.Context, since time.Time, timeout time.Duration) (bool, error) {
	deadline := time.Now().Add(timeout)
	for {
		var n int64
		if err := m.db.WithContext(ctx).Raw(`SELECT count(*) FROM payments WHERE created_at >= ? AND status = 'APPROVED'`, since).Scan(&n).Error; err != nil {
			return false, err
		}
		if n == 0 {
			return true, nil
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// executed reads, after the drain, what happened to the payments created since runStart in
// the window [t0, t1]. The server runs on this host: its clock is ours.
func (m *meter) executed(ctx context.Context, runStart, t0, t1 time.Time, drained bool) (execution, error) {
	db := m.db.WithContext(ctx)
	ex := execution{Drained: drained, Statuses: map[string]int{}}
	var finished int64
	if err := db.Raw(`SELECT count(*) FROM payments WHERE created_at >= ? AND finished_at >= ? AND finished_at < ?`, runStart, t0, t1).Scan(&finished).Error; err != nil {
		return ex, err
	}
	ex.Finished = int(finished)
	var secs []float64
	if err := db.Raw(`SELECT extract(epoch FROM finished_at - created_at)::float8 FROM payments
WHERE created_at >= ? AND created_at < ? AND finished_at IS NOT NULL`, t0, t1).Scan(&secs).Error; err != nil {
		return ex, err
	}
	ds := make([]time.Duration, len(secs))
	for i, s := range secs {
		ds[i] = time.Duration(s * float64(time.Second))
	}
	ex.CreatedToDone = summarize(ds)
	// The backlog at t1: approved by then (a Treasury payment is approved when created), not yet
	// executed (FINISHED or FAILED, whose last update is its execution) by then.
	var backlog struct {
		N    int64
		Last *time.Time
	}
	if err := db.Raw(`SELECT count(*) AS n, max(coalesce(finished_at, updated_at)) AS last FROM payments
WHERE created_at >= ? AND created_at < ? AND coalesce(approval_decided_at, created_at) < ?
  AND status IN ('APPROVED', 'FINISHED', 'FAILED')
  AND (status = 'APPROVED' OR coalesce(finished_at, updated_at) >= ?)`, runStart, t1, t1, t1).Scan(&backlog).Error; err != nil {
		return ex, err
	}
	ex.Backlog = int(backlog.N)
	if backlog.N > 0 && backlog.Last != nil {
		ex.Drain = backlog.Last.Sub(t1)
	}
	var statuses []struct {
		Status string
		N      int
	}
	if err := db.Raw(`SELECT status, count(*) AS n FROM payments WHERE created_at >= ? GROUP BY status`, runStart).Scan(&statuses).Error; err != nil {
		return ex, err
	}
	for _, s := range statuses {
		ex.Statuses[s.Status] = s.N
	}
	return ex, nil
}

// checkLedger runs cmd/ledgercheck's check (ledger.Verify) and returns its report.
func (m *meter) checkLedger(ctx context.Context) (ledger.Report, error) {
	svc, err := ledger.New(ctx, m.db)
	if err != nil {
		return ledger.Report{}, err
	}
	return svc.Verify(ctx)
}

// memory is a process's resident set from /proc/<pid>/status, in KiB.
type memory struct{ RSS, HWM int64 }

func readMemory(pid int) (memory, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			m.RSS = v
		case "VmHWM:":
			m.HWM = v
		}
	}
	return m, nil
}

// pidListening finds the process listening on a TCP port of this host: the socket's inode in
// /proc/net/tcp{,6}, then the process holding that inode. 0 when none is readable.
func pidListening(port int) int {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) < 10 || fs[3] != "0A" { // 0A: LISTEN
				continue
			}
			i := strings.LastIndexByte(fs[1], ':')
			if p, err := strconv.ParseInt(fs[1][i+1:], 16, 32); err == nil && int(p) == port {
				inodes["socket:["+fs[9]+"]"] = true
			}
		}
	}
	if len(inodes) == 0 {
		return 0
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && inodes[target] {
			pid, _ := strconv.Atoi(strings.Split(fd, "/")[2])
			return pid
		}
	}
	return 0
}

// loadAverage is the host's one-minute load average (0 when unreadable): on a shared machine it
// says how much else ran during a window.
func loadAverage() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
