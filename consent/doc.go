// Package consent owns Open Banking consent: a tenant asks to act on a holder's account with some
// scopes; the holder logs in at the OpenID Provider (authorization code, PKCE S256, state bound
// to a cookie, nonce checked) and approves or rejects on Ponte's own page; the grant then lasts
// until it expires or is revoked. Every transition is appended to the event log (package events)
// in the same transaction, with who made it, why and the request behind it; when a grant ends
// (revoked, expired) the end hooks (OnEnd) stop what it allowed in that transaction too.
//
// The same login serves the holder's other pages: "my consents" (revoke, after a confirmation)
// and the approval page, where the holder approves or rejects the cash-out tenants created on
// their accounts. One server-side session row (holder_sessions, with an expiry) is found by the
// browser's cookie (HttpOnly, SameSite=Lax, Secure over https) on every page until it expires or
// the holder logs out (POST /consents/logout). A consent link always asks for a fresh login.
// When the person who logs in on a consent's journey neither holds nor represents the account,
// the consent ends REJECTED (reason wrong_holder) and the browser goes back to the tenant with
// result=rejected&error=wrong_holder.
//
// It decides nothing about who may see or do what: the GraphQL API and these pages alike ask
// package auth, which reads the grants this package keeps; the pages pass it the logged-in holder
// as the caller. It never imports graph/ or resolvers/.
package consent
