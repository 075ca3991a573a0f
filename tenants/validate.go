package tenants

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/throttle"
)

// maxText is the longest client id or name accepted.
const maxText = 200

func checkClientID(errs *apperr.List, id string) {
	switch {
	case id == "":
		*errs = append(*errs, apperr.Field(apperr.Required, []string{"input", "clientId"}, "clientId is required"))
	case len(id) > maxText || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"input", "clientId"}, "clientId must be the OAuth client's id: up to %d printable characters, no spaces", maxText))
	}
}

func checkName(errs *apperr.List, name string) {
	switch {
	case strings.TrimSpace(name) == "":
		*errs = append(*errs, apperr.Field(apperr.Required, []string{"input", "name"}, "name is required"))
	case len(name) > maxText || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"input", "name"}, "name must be up to %d printable characters", maxText))
	}
}

func checkScopes(errs *apperr.List, scopes []string) {
	for i, s := range scopes {
		if !slices.Contains(auth.TenantScopes, s) {
			*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"input", "allowedScopes", strconv.Itoa(i)},
				"%q is not a tenant scope (%s)", s, strings.Join(auth.TenantScopes, ", ")))
		}
	}
}

// checkRedirectURIs accepts absolute http(s) URLs without a fragment (RFC 6749 §3.1.2).
func checkRedirectURIs(errs *apperr.List, uris []string) {
	for i, raw := range uris {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" || u.User != nil {
			*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"input", "redirectUris", strconv.Itoa(i)},
				"a redirect URI must be an absolute http(s) URL without credentials or fragment"))
		}
	}
}

// checkLimit accepts nil (the default), 0 (back to the default, on update) or 1 to throttle.MaxLimit.
func checkLimit(errs *apperr.List, field string, v *int) {
	if v != nil && (*v < 0 || *v > throttle.MaxLimit) {
		*errs = append(*errs, apperr.Field(apperr.Invalid, []string{"input", field}, "%s must be 1 to %d (0: the server's default)", field, throttle.MaxLimit))
	}
}
