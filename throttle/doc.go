// Package throttle limits how much query cost each caller may spend, with Shopify's leaky bucket:
// every caller has a bucket of cost points that holds at most Capacity and refills at RestoreRate
// points a second; an operation takes its requested cost out before it runs, and one that does
// not fit is refused until enough has refilled.
//
// The buckets live in this replica's memory (Limiter), not in PostgreSQL: taking from a bucket is
// then a map lookup under a mutex instead of a write to a hot row on every request, and the
// database pool stays for the work itself. The price is the bound: with N replicas behind a load
// balancer, a tenant may spend up to N × Capacity at once and N × RestoreRate a second
// (README: "Operating Ponte: tenants and throttling"). A replica's memory holds one small bucket
// per caller that spent within the time its bucket takes to refill: full buckets are forgotten,
// since a missing bucket is a full one.
package throttle
