// Package consent owns Open Banking consent: a tenant asks to act on a holder's account with some
// scopes; the holder logs in at the OpenID Provider (authorization code, PKCE S256, state bound
// to a cookie, nonce checked) and approves or rejects on Ponte's own page; the grant then lasts
// until it expires or is revoked. Every transition is appended to the event log (package events)
// in the same transaction, with who made it, why and the request behind it; when a grant ends
// (revoked, expired) the end hooks (OnEnd) stop what it allowed in that transaction too.
//
// The same login serves the holder's other pages: "my consents" (revoke) and the approval page,
// where the holder approves or rejects the cash-out tenants created on their accounts.
//
// It decides nothing about who may see or do what: the GraphQL API and these pages alike ask
// package auth, which reads the grants this package keeps; the pages pass it the logged-in holder
// as the caller. It never imports graph/ or resolvers/.
package consent
