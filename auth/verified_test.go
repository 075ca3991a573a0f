package auth

import (
	"strconv"
	"testing"
	"time"
)

func TestAVerifiedTokenIsNeverUsedAtOrAfterItsExpiry(t *testing.T) {
	var v verified
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	v.put("a", &token{caller: Caller{Subject: "s", Expiry: now.Add(time.Minute)}}, now)
	if got, ok := v.get("a", now.Add(59*time.Second)); !ok || got.caller.Subject != "s" {
		t.Fatalf("before exp: %v %v", got, ok)
	}
	if _, ok := v.get("b", now); ok {
		t.Fatal("another token found")
	}
	if _, ok := v.get("a", now.Add(time.Minute)); ok {
		t.Fatal("used at its exp")
	}
	if _, ok := v.get("a", now); ok {
		t.Fatal("an expired token stayed remembered")
	}
	v.put("c", &token{caller: Caller{Expiry: now}}, now)
	v.put("d", &token{}, now) // no exp
	if len(v.tokens) != 0 {
		t.Fatalf("remembered a token already expired: %d", len(v.tokens))
	}
}

func TestTheVerifiedTokensStayBounded(t *testing.T) {
	var v verified
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for i := range 3 * maxVerified {
		v.put(strconv.Itoa(i), &token{caller: Caller{Expiry: now.Add(time.Hour)}}, now)
		if len(v.tokens) > maxVerified {
			t.Fatalf("%d tokens remembered", len(v.tokens))
		}
	}
	if _, ok := v.get(strconv.Itoa(3*maxVerified-1), now); !ok {
		t.Fatal("the last token put was evicted")
	}
}
