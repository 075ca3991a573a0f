package main

import (
	"math"
	"sort"
	"time"
)

// summary is the distribution of a set of durations.
type summary struct {
	N             int
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// summarize sorts ds in place and reads its percentiles by the nearest-rank method: the p-th
// percentile is the smallest value with at least p % of the values at or below it. An empty
// set gives the zero summary.
func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return summary{N: len(ds), P50: nearestRank(ds, 50), P95: nearestRank(ds, 95), P99: nearestRank(ds, 99), Max: ds[len(ds)-1]}
}

// nearestRank is the p-th percentile (0 < p ≤ 100) of sorted, which is not empty.
func nearestRank(sorted []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return sorted[rank-1]
}

// median is the middle of xs (the mean of the two middle values for an even count), for the
// summary over repeated pairs; xs is sorted in place. An empty set gives 0.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// rate is n events over d, per second; 0 for an empty window.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
