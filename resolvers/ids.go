package resolvers

import (
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
