package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// maxVerified bounds the verified-token cache (a few hundred bytes an entry).
const maxVerified = 10_000

// token is what a verified access token says of its caller, before any tenant is read: for a
// tenant's token Caller.Scopes is empty and scopes holds the token's, which Authenticate
// intersects with the tenant's allowed scopes on every request.
type token struct {
	caller Caller // Tenant nil
	scopes []string
}

// verified remembers the tokens Authenticate has verified, so that a client calling with the same
// token again (every ERP does, for the token's lifetime) skips the RS256 signature and the
// claims' JSON: at a few hundred requests a second that was most of authentication's CPU. It
// remembers what the token itself says (token), never the tenant row: that is read on every
// request, so that disabling a tenant refuses the very next request on every replica. A token is
// never used at or after its exp: one seen then is verified again, and refused as expired by the
// same code as before. Refusals are not remembered. Keys are the token's SHA-256.
type verified struct {
	mu     sync.Mutex
	tokens map[[sha256.Size]byte]*token
}

// get returns what raw verified to, while now is before its expiry. The caller must not modify
// it.
func (v *verified) get(raw string, now time.Time) (*token, bool) {
	key := sha256.Sum256([]byte(raw))
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.tokens[key]
	if ok && !now.Before(t.caller.Expiry) {
		delete(v.tokens, key)
		return nil, false
	}
	return t, ok
}

// put remembers t, what raw verified to. When full, it drops the expired entries, then arbitrary
// ones (Go's map order) down to nine tenths: a forgotten token is only verified again.
func (v *verified) put(raw string, t *token, now time.Time) {
	if !now.Before(t.caller.Expiry) {
		return
	}
	key := sha256.Sum256([]byte(raw))
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.tokens == nil {
		v.tokens = make(map[[sha256.Size]byte]*token)
	}
	if len(v.tokens) >= maxVerified {
		for k, e := range v.tokens {
			if !now.Before(e.caller.Expiry) {
				delete(v.tokens, k)
			}
		}
		for k := range v.tokens {
			if len(v.tokens) < maxVerified*9/10 {
				break
			}
			delete(v.tokens, k)
		}
	}
	v.tokens[key] = t
}
