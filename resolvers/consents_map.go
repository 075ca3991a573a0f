package resolvers

import (
	"strings"

	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
)

// consentOut maps a stored consent (with its tenant preloaded) to GraphQL. link is the
// authorization URL, known only right after the request (only its hash is stored).
func consentOut(c *models.Consent, link string) *model.Consent {
	out := &model.Consent{
		ID: globalid.Encode(globalid.Consent, c.ID), Status: model.ConsentStatus(c.Status),
		AuthorizationExpiresAt: c.LinkExpiresAt, RedirectURI: c.RedirectURI, ExpiresAt: c.ExpiresAt,
		CreatedAt: c.CreatedAt, DecidedAt: c.DecidedAt, RevokedAt: c.RevokedAt, RevokedBy: c.RevokedBy,
		RevocationReason: c.RevocationReason, AccountID: c.AccountID,
	}
	for _, s := range c.Scopes {
		out.Scopes = append(out.Scopes, scopeOut(s))
	}
	if c.Tenant != nil {
		out.Tenant = tenantOut(c.Tenant)
	}
	if link != "" {
		out.AuthorizationURL = &link
	}
	return out
}

// scopeOut turns "balance:read" into BALANCE_READ; scopeIn is the reverse.
func scopeOut(s string) model.Scope {
	return model.Scope(strings.ToUpper(strings.ReplaceAll(s, ":", "_")))
}

func scopeIn(s model.Scope) string {
	str := strings.ToLower(string(s))
	i := strings.LastIndex(str, "_")
	if i < 0 {
		return str
	}
	return str[:i] + ":" + str[i+1:]
}
