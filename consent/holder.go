package consent

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/models"
)

// holderCaller is the session's person as the authorizer knows callers: a holder whose ID token
// was verified at login. The holder pages ask the same authorizer as the GraphQL API, as this
// caller, instead of judging for themselves. The session must be logged in (loggedIn).
func holderCaller(sess *models.HolderSession) *auth.Caller {
	c := &auth.Caller{Kind: auth.KindHolder, Document: *sess.HolderDocument}
	if sess.HolderIssuer != nil {
		c.Issuer = *sess.HolderIssuer
	}
	if sess.HolderSubject != nil {
		c.Subject = *sess.HolderSubject
	}
	return c
}

// asHolder returns ctx carrying the session's holder as the caller.
func asHolder(ctx context.Context, sess *models.HolderSession) context.Context {
	return auth.WithCaller(ctx, holderCaller(sess))
}

// myGrants returns the live grants the session's holder may see ("my consents").
func (p *Pages) myGrants(ctx context.Context, sess *models.HolderSession) ([]models.Consent, error) {
	visible, err := p.authz.ConsentVisibility(asHolder(ctx, sess))
	if err != nil {
		return nil, err
	}
	return p.svc.liveGrants(ctx, visible)
}

// revokeByHolder revokes one of the grants the "my consents" page shows; any other id is refused
// as a bad link, whether it exists or not. The caller has checked the form.
func (p *Pages) revokeByHolder(ctx context.Context, sess *models.HolderSession, consentID uuid.UUID) error {
	grants, err := p.myGrants(ctx, sess)
	if err != nil {
		return err
	}
	for _, g := range grants {
		if g.ID == consentID {
			reason := "revoked by the holder"
			_, err := p.svc.Revoke(ctx, consentID, holderCaller(sess).Actor(), &reason)
			return err
		}
	}
	return errBadLink
}
