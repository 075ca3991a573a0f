// Package auth decides who is calling and what they may do. Authentication verifies every bearer
// token with go-oidc against the issuer's discovery document and JWKS and turns it into a Caller
// (tenant, holder or operator). The Authorizer is the one place that answers "may this caller do
// this on this account?"; every resolver asks it, and its refusals never reveal whether the
// object exists.
package auth
