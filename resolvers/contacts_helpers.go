package resolvers

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
)

// manageContact decodes a contact's ID and authorizes changing it: contacts:manage on its
// account (FORBIDDEN otherwise, also when it does not exist).
func (r *Resolver) manageContact(ctx context.Context, id string, field ...string) (uuid.UUID, *auth.Caller, error) {
	key, err := decodeID(id, globalid.Contact, field...)
	if err != nil {
		return uuid.Nil, nil, err
	}
	accountID, err := r.ContactService.AccountOf(ctx, key)
	if err != nil {
		return uuid.Nil, nil, r.Authz.Hide(ctx, err)
	}
	c, err := r.Authz.Account(ctx, auth.ActionManageContacts, accountID)
	if err != nil {
		return uuid.Nil, nil, err
	}
	return key, c, nil
}

// contactPayload is a contact mutation's answer: the contact, or its userErrors under "input";
// anything else (NOT_FOUND of a contact deleted meanwhile, internal errors) is the error.
func contactPayload(c *models.Contact, err error) (*model.ContactPayload, error) {
	if e, ok := err.(*apperr.Error); ok && e.Code == apperr.NotFound {
		return nil, err // a contact deleted meanwhile: the caller hides it as a missing one (Authz.Hide)
	}
	if err != nil {
		ue, err := userErrors(err, "input")
		return &model.ContactPayload{UserErrors: ue}, err
	}
	return &model.ContactPayload{Contact: contactOut(c), UserErrors: []*model.UserError{}}, nil
}
