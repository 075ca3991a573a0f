// Package auth decides who is calling and what they may do. Authentication verifies every bearer
// token with go-oidc against the issuer's discovery document and JWKS and turns it into a Caller
// (tenant, holder or operator). The Authorizer is the one place that answers "may this caller do
// this?" for accounts, payments, consents and lists: the resolvers ask it, and so do the holder
// pages, which pass the logged-in holder as the caller. Its refusals never reveal whether the
// object exists (refusal.go).
//
// Each rule is stated once, as a gorm query builder that the authorizer judges with and the
// listing queries of other packages reuse: who holds or represents an account (holder_rule.go)
// and which consents are live (live_consent.go); TenantReaches answers the same for background
// work with no caller (payments' execution, webhook dispatch). auth imports no domain package;
// domain packages take its answers (a Visibility scope, a Grant) and carry them out.
//
// A live stream (a WebSocket, an SSE response) is judged again while it runs: it ends at its
// token's expiry, and a StreamGuard ends a subscription whose caller's tenant was disabled or whose
// consent ended (stream.go, stream_guard.go).
package auth
