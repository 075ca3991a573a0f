package auth

import (
	"context"

	"github.com/ponte-bff/ponte/apperr"
)

// errForbidden is the single refusal: the same words whether the object exists or not, so a
// caller cannot probe for other tenants' ids.
var errForbidden = apperr.E(apperr.Forbidden, "you are not allowed to do this")

// Refuse is the answer for an object the caller may not see, including one that does not exist:
// FORBIDDEN, worded as every other refusal. An unauthenticated caller stays UNAUTHENTICATED.
func (z *Authorizer) Refuse(ctx context.Context) error {
	if _, err := z.Caller(ctx); err != nil {
		return err
	}
	return errForbidden
}

// Hide passes err through, except NOT_FOUND from loading an object, which becomes Refuse: a
// missing object looks like someone else's.
func (z *Authorizer) Hide(ctx context.Context, err error) error {
	if apperr.CodeOf(err) == apperr.NotFound {
		return z.Refuse(ctx)
	}
	return err
}
