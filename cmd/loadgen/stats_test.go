package main

import (
	"testing"
	"time"

	"github.com/ponte-bff/ponte/brazil"
)

func TestSummarizeNearestRank(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	// 1..100 ms, shuffled: the p-th percentile is p ms.
	var ds []time.Duration
	for i := 0; i < 100; i++ {
		ds = append(ds, ms((i*37)%100+1))
	}
	s := summarize(ds)
	if s.N != 100 || s.P50 != ms(50) || s.P95 != ms(95) || s.P99 != ms(99) || s.Max != ms(100) {
		t.Fatalf("1..100: %+v", s)
	}
	if s := summarize(nil); s != (summary{}) {
		t.Fatalf("empty: %+v", s)
	}
	if s := summarize([]time.Duration{ms(7)}); s.P50 != ms(7) || s.P99 != ms(7) || s.Max != ms(7) {
		t.Fatalf("one value: %+v", s)
	}
	// Ten values: nearest rank takes the 5th for p50 and the 10th for p95 and p99 (no interpolation).
	s = summarize([]time.Duration{ms(10), ms(1), ms(9), ms(2), ms(8), ms(3), ms(7), ms(4), ms(6), ms(5)})
	if s.P50 != ms(5) || s.P95 != ms(10) || s.P99 != ms(10) {
		t.Fatalf("ten values: %+v", s)
	}
}

func TestMedianAndRate(t *testing.T) {
	if m := median([]float64{0.3, 0.1, 0.2}); m != 0.2 {
		t.Fatalf("odd: %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Fatalf("even: %v", m)
	}
	if m := median(nil); m != 0 {
		t.Fatalf("empty: %v", m)
	}
	if r := rate(500, 20*time.Second); r != 25 {
		t.Fatalf("rate: %v", r)
	}
	if r := rate(5, 0); r != 0 {
		t.Fatalf("empty window: %v", r)
	}
}

func TestGeneratedDocumentsAndAmounts(t *testing.T) {
	if got := cnpjWithCheckDigits("112223330001"); got != "11222333000181" { // the classic example, 11.222.333/0001-81
		t.Fatalf("check digits: %s", got)
	}
	for i := 0; i < 1000; i++ {
		if _, err := brazil.ParseCNPJ(randomCNPJ()); err != nil {
			t.Fatal(err)
		}
	}
	for in, want := range map[string]int64{"1500.25": 150025, "10000.00": 1000000, "0.5": 50, "7": 700, "x": 0} {
		if got := centsOf(in); got != want {
			t.Fatalf("centsOf(%q) = %d, want %d", in, got, want)
		}
	}
}
