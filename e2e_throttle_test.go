package main

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// Query cost and throttling (issue 15, item 2): every operation's cost is charged before it runs
// from its caller's bucket, a tenant that loops is refused with 429 while another is not, and the
// bucket refills at its tenant's rate (on an injected clock).

// testClock is a clock the test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLoopingTenantIsThrottledAndAnotherIsNot(t *testing.T) {
	t.Parallel()
	clock := &manualClock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}
	s := startConfiguredServer(t, nil, func(c *config) { c.ThrottleClock = clock.now })
	op := operatorToken(t, s)
	// demo-erp gets a small bucket of its own; demo-erp-2 keeps the (generous) defaults.
	tenantMutation(t, s, op, updateTenantMutation, "updateTenant", map[string]any{
		"tenantId": tenantID(t, s, "demo-erp"), "throttleCapacity": 30, "throttleRestoreRate": 2})
	looping, other := tenantToken(t, s), tenant2Token(t, s)

	const query = `{ viewer { kind } }` // costs 2: two fields
	var throttled fullResponse
	for i := 0; ; i++ {
		r := post(t, s, looping, query, nil, nil)
		if r.Status == http.StatusTooManyRequests {
			throttled = r
			if i != 15 {
				t.Fatalf("throttled after %d requests of cost 2 from a bucket of 30, want 15", i)
			}
			break
		}
		if len(r.Errors) > 0 || r.Extensions.Cost == nil || r.Extensions.Cost.RequestedQueryCost != 2 || r.Extensions.Cost.ActualQueryCost != 2 ||
			r.Extensions.Cost.ThrottleStatus.CurrentlyAvailable != 30-2*(i+1) || r.Extensions.Cost.ThrottleStatus.MaximumAvailable != 30 {
			t.Fatalf("request %d: HTTP %d %+v %+v", i, r.Status, r.Errors, r.Extensions.Cost)
		}
		// The other tenant, at the same time, is not held back.
		if o := post(t, s, other, query, nil, nil); o.Status != http.StatusOK || len(o.Errors) > 0 {
			t.Fatalf("the other tenant, while the first loops: HTTP %d %+v", o.Status, o.Errors)
		}
	}
	if throttled.code() != "THROTTLED" || throttled.Header.Get("Retry-After") != "1" || throttled.Data["viewer"] != nil {
		t.Fatalf("throttled: %+v Retry-After %q data %s", throttled.Errors, throttled.Header.Get("Retry-After"), throttled.Data)
	}
	if c := throttled.Extensions.Cost; c == nil || c.RequestedQueryCost != 2 || c.ActualQueryCost != 0 || c.ThrottleStatus.CurrentlyAvailable != 0 ||
		c.ThrottleStatus.RestoreRate != 2 {
		t.Fatalf("throttled cost: %+v", throttled.Extensions.Cost)
	}
	if o := post(t, s, other, query, nil, nil); o.Status != http.StatusOK || o.Extensions.Cost.ThrottleStatus.MaximumAvailable != 1_000_000 {
		t.Fatalf("the other tenant after the first was throttled: HTTP %d %+v", o.Status, o.Extensions.Cost)
	}

	// The bucket refills at 2 points a second: 3 s later it holds 6; this query takes 2 of them.
	clock.advance(3 * time.Second)
	r := post(t, s, looping, query, nil, nil)
	if r.Status != http.StatusOK || r.Extensions.Cost.ThrottleStatus.CurrentlyAvailable != 4 {
		t.Fatalf("after 3 s: HTTP %d %+v", r.Status, r.Extensions.Cost)
	}
	// rateLimit reports the same bucket, after its own cost of 4 (four fields).
	r = post(t, s, looping, `{ rateLimit { maximumAvailable currentlyAvailable restoreRate } }`, nil, nil)
	if string(r.Data["rateLimit"]) != `{"maximumAvailable":30,"currentlyAvailable":0,"restoreRate":2}` || r.Extensions.Cost.RequestedQueryCost != 4 {
		t.Fatalf("rateLimit: %+v %s %+v", r.Errors, r.Data["rateLimit"], r.Extensions.Cost)
	}
	clock.advance(time.Hour)
	if r := post(t, s, looping, query, nil, nil); r.Extensions.Cost.ThrottleStatus.CurrentlyAvailable != 28 {
		t.Fatalf("a bucket refills to its capacity, no more: %+v", r.Extensions.Cost)
	}
	// An operation that costs more than the bucket ever holds is refused for good, not throttled.
	r = post(t, s, looping, `{ accounts(first: 100) { nodes { id name } } }`, nil, nil)
	if r.code() != "MAX_COST_EXCEEDED" || r.Status == http.StatusTooManyRequests || r.Extensions.Cost.RequestedQueryCost != 1+100*3 {
		t.Fatalf("an operation above the capacity: HTTP %d %+v %+v", r.Status, r.Errors, r.Extensions.Cost)
	}
}

// The example: accounts(100) > payments(100) > account > payments(100) used to cost 701
// (payments not multiplied); each list costs its children times first.
func TestCostMultipliesEveryListByFirst(t *testing.T) {
	t.Parallel()
	clock := &manualClock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)} // still: a bucket shows exactly what was spent
	s := startConfiguredServer(t, nil, func(c *config) { c.ThrottleClock = clock.now })
	op := operatorToken(t, s)
	r := post(t, s, op, `{ accounts(first: 100) { nodes { payments(first: 100) { nodes { account { payments(first: 100) { nodes { id } } } } } } } }`, nil, nil)
	// payments { nodes { id } }: 1 + 100 × 2 = 201; account: 202; nodes: 203; payments: 1 + 100 × 203 = 20301;
	// nodes: 20302; accounts: 1 + 100 × 20302.
	if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" || r.Extensions.Cost == nil || r.Extensions.Cost.RequestedQueryCost != 2_030_201 || r.Extensions.Cost.ActualQueryCost != 0 {
		t.Fatalf("the issue's query: %+v %+v", r.Errors, r.Extensions.Cost)
	}
	r = post(t, s, op, `{ webhookDeliveries(first: 50) { nodes { id } } }`, nil, nil)
	if r.Extensions.Cost == nil || r.Extensions.Cost.RequestedQueryCost != 1+50*2 {
		t.Fatalf("webhookDeliveries: %+v", r.Extensions.Cost)
	}

	// A query that runs: charged its requested cost, refunded down to the fields it resolved.
	tok := tenantToken(t, s)
	r = post(t, s, tok, `{ accounts(first: 10) { nodes { payments(first: 10) { nodes { id } } } } }`, nil, nil)
	c := r.Extensions.Cost
	if len(r.Errors) > 0 || c == nil || c.RequestedQueryCost != 1+10*(1+(1+10*2)) {
		t.Fatalf("requested cost: %+v %+v", r.Errors, c)
	}
	// demo-erp owns no account yet: accounts and its nodes resolve, nothing below.
	if c.ActualQueryCost != 2 || c.ThrottleStatus.CurrentlyAvailable != c.ThrottleStatus.MaximumAvailable-2 {
		t.Fatalf("actual cost: %+v", c)
	}
}
