// Package tenants registers the ERPs that call Ponte and keeps their registration: which OAuth
// client of the OpenID Provider a tenant is (clientId), what it may be allowed (scopes), where its
// holders are sent back after a consent (redirect URIs), how much query cost it may spend
// (its throttle), and whether it is enabled. The operator's mutations and `ponte tenant add` both
// come here; every change is an event of the one log, with who made it and the request behind it.
//
// It authorizes nothing: its callers asked package auth first (the operator role) or run on the
// server's own command line.
package tenants
