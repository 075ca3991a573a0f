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

// myGrants loads a "manage" session this browser owns and the live grants its holder may see.
func (p *Pages) myGrants(ctx context.Context, sessionID uuid.UUID, cookie string) (*models.HolderSession, []models.Consent, error) {
	sess, err := p.svc.loggedIn(ctx, sessionID, cookie)
	if err != nil {
		return nil, nil, err
	}
	if sess.Purpose != "manage" {
		return nil, nil, errBadSession
	}
	visible, err := p.authz.ConsentVisibility(asHolder(ctx, sess))
	if err != nil {
		return nil, nil, err
	}
	grants, err := p.svc.liveGrants(ctx, visible)
	return sess, grants, err
}

// revokeByHolder revokes one of the grants the "my consents" page shows; any other id is refused
// as a bad link, whether it exists or not.
func (p *Pages) revokeByHolder(ctx context.Context, sessionID uuid.UUID, cookie, csrf string, consentID uuid.UUID) error {
	sess, grants, err := p.myGrants(ctx, sessionID, cookie)
	if err != nil {
		return err
	}
	if err := checkForm(sess, cookie, csrf, p.svc.now()); err != nil {
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
