package resolvers

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/globalid"
)

// decodeID reads a global ID argument of the wanted type.
func decodeID(id string, want globalid.Type, field ...string) (uuid.UUID, error) {
	key, ok := globalid.DecodeAs(id, want)
	if !ok {
		return uuid.Nil, apperr.Field(apperr.BadInput, field, "%q is not a %s ID", id, want)
	}
	return key, nil
}

// refuse answers a missing object as FORBIDDEN, worded as the authorizer words it, so that a
// missing ID and someone else's look the same (an unauthenticated caller stays UNAUTHENTICATED).
func (r *Resolver) refuse(ctx context.Context) error {
	if _, err := r.Authz.Caller(ctx); err != nil {
		return err
	}
	return apperr.E(apperr.Forbidden, "you are not allowed to do this")
}
