package auth

import (
	"time"

	"gorm.io/gorm"
)

// consentAuthorised is consent.StatusAuthorised; auth cannot import consent, which imports auth.
const consentAuthorised = "AUTHORISED"

// LiveConsent narrows a query on consents to the live grants at now: AUTHORISED and not yet past
// their end, with scope among their scopes unless scope is "". It is the one statement of the
// rule: the authorizer judges with it, and the listing queries (a tenant's consented accounts,
// the holder's "my consents", a grant that already covers a request) reuse it. Authorization
// never waits for the expiry sweep: a grant past its end is not live even while still AUTHORISED.
func LiveConsent(q *gorm.DB, now time.Time, scope string) *gorm.DB {
	q = q.Where("consents.status = ? AND consents.expires_at > ?", consentAuthorised, now)
	if scope != "" {
		q = q.Where("? = ANY (consents.scopes)", scope)
	}
	return q
}

// LapsedConsent narrows a query on consents to the grants LiveConsent no longer counts at now:
// AUTHORISED but past their end, which the expiry sweep moves to EXPIRED. It sits beside
// LiveConsent so that the two halves of the rule cannot drift apart.
func LapsedConsent(q *gorm.DB, now time.Time) *gorm.DB {
	return q.Where("consents.status = ? AND consents.expires_at <= ?", consentAuthorised, now)
}
