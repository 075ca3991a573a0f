package consent

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
)

// baseScope is granted with every consent: without seeing the account, no other scope is usable.
const baseScope = "accounts:read"

// RequestInput is a tenant's consent request: exactly one of AccountID and Document.
type RequestInput struct {
	AccountID   *uuid.UUID
	Document    *string
	Scopes      []Scope
	RedirectURI string
	State       *string
	ExpiresAt   *time.Time // end of the grant; default and maximum from Config
}

// Requested is a new (or already granted) consent and, for a new one, its authorization link.
type Requested struct {
	Consent *models.Consent
	Link    string // "" when an existing grant already covers the request
}

// Request records a tenant's consent request. When the tenant already holds an AUTHORISED,
// unexpired consent on the account covering every asked scope, that consent is returned instead
// of a duplicate.
//
// Errors (field errors): REQUIRED, INVALID (scopes, redirectUri, expiresAt, both or neither of
// accountId/document), INVALID_DOCUMENT, NOT_FOUND (no approved account with that id).
func (s *Service) Request(ctx context.Context, tenant *models.Tenant, in RequestInput) (*Requested, error) {
	now := s.now()
	scopes, err := s.validate(tenant, &in, now)
	if err != nil {
		return nil, err
	}
	var out Requested
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if in.AccountID != nil {
			if err := approvedAccount(tx, *in.AccountID); err != nil {
				return err
			}
			if existing, err := coveringGrant(tx, tenant.ID, *in.AccountID, scopes, now); err != nil || existing != nil {
				out.Consent = existing
				return err
			}
		}
		secret, hash, err := newSecret()
		if err != nil {
			return err
		}
		expires := now.Add(s.cfg.DefaultGrant)
		if in.ExpiresAt != nil {
			expires = in.ExpiresAt.UTC().Truncate(time.Microsecond)
		}
		c := &models.Consent{
			TenantID: tenant.ID, AccountID: in.AccountID, RequestedDocument: in.Document, Scopes: scopes,
			RedirectURI: in.RedirectURI, TenantState: in.State, Status: string(StatusAwaiting),
			LinkHash: hash, LinkExpiresAt: now.Add(s.cfg.LinkTTL), ExpiresAt: expires, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		if err := logEvent(ctx, tx, c, nil, StatusAwaiting, "tenant:"+tenant.ClientID, nil, now); err != nil {
			return err
		}
		out.Consent, out.Link = c, s.linkURL(secret)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// validate checks the request against the tenant's registration and normalises it.
func (s *Service) validate(tenant *models.Tenant, in *RequestInput, now time.Time) ([]string, error) {
	var errs apperr.List
	if (in.AccountID == nil) == (in.Document == nil || strings.TrimSpace(*in.Document) == "") {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"accountId"}, "give exactly one of accountId and document"))
	}
	if in.Document != nil && strings.TrimSpace(*in.Document) != "" {
		doc, err := brazil.ParseDocument(*in.Document, "")
		if err != nil {
			errs = append(errs, apperr.Field(apperr.InvalidDocument, []string{"document"}, "%s", err.Error()))
		} else {
			in.Document = &doc.Number
		}
	} else {
		in.Document = nil
	}
	var scopes []string
	for _, sc := range in.Scopes {
		if !IsScope(sc) || !slices.Contains(tenant.AllowedScopes, sc) {
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"scopes"}, "scope %s is not one this tenant may ask for", sc))
		} else if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(in.Scopes) == 0 {
		errs = append(errs, apperr.Field(apperr.Required, []string{"scopes"}, "ask for at least one scope"))
	} else if !slices.Contains(scopes, baseScope) && slices.Contains(tenant.AllowedScopes, baseScope) {
		// Every other scope acts on the account this one shows, so it always comes along.
		scopes = append(scopes, baseScope)
	}
	if in.RedirectURI == "" {
		errs = append(errs, apperr.Field(apperr.Required, []string{"redirectUri"}, "redirectUri is required"))
	} else if !slices.Contains(tenant.RedirectURIs, in.RedirectURI) {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"redirectUri"}, "redirectUri must be exactly one of the URIs this tenant registered"))
	} else if u, err := url.Parse(in.RedirectURI); err != nil || u.Fragment != "" {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"redirectUri"}, "redirectUri must be an absolute URL without fragment"))
	}
	if in.State != nil && len(*in.State) > 512 {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"state"}, "state is longer than 512 characters"))
	}
	if e := in.ExpiresAt; e != nil && (!e.After(now.Add(s.cfg.LinkTTL)) || e.After(now.Add(s.cfg.MaxGrant))) {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"expiresAt"}, "expiresAt must be after the authorization link expires and at most %s from now", s.cfg.MaxGrant))
	}
	slices.Sort(scopes)
	return scopes, errs.OrNil()
}

func approvedAccount(tx *gorm.DB, id uuid.UUID) error {
	acc, err := accounts.Find(tx, id)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	// One answer for "missing" and "not approved": a tenant learns nothing about others' accounts.
	if err != nil || acc.Status != string(accounts.StatusApproved) {
		return apperr.Field(apperr.NotFound, []string{"accountId"}, "no approved account with this id")
	}
	return nil
}

// coveringGrant finds the tenant's live grant on account that already has every scope.
func coveringGrant(tx *gorm.DB, tenantID, accountID uuid.UUID, scopes []string, now time.Time) (*models.Consent, error) {
	var grants []models.Consent
	q := auth.LiveConsent(tx.Where("tenant_id = ? AND account_id = ?", tenantID, accountID), now, "")
	if err := q.Order("created_at DESC").Find(&grants).Error; err != nil {
		return nil, err
	}
	for i := range grants {
		if covers(grants[i].Scopes, scopes) {
			return &grants[i], nil
		}
	}
	return nil, nil
}

func covers(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// newSecret returns a 256-bit link secret and its hash; only the hash is stored.
func newSecret() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret), nil
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func (s *Service) linkURL(secret string) string {
	return strings.TrimSuffix(s.cfg.PublicURL, "/") + "/consents/authorize?link=" + secret
}
