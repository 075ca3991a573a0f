package consent

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
)

// sessionTTL bounds a login, from leaving for the provider to coming back; a logged-in session
// then lasts holderSessionTTL.
const sessionTTL = 15 * time.Minute

// PageError is a failure shown to the holder as a page: an HTTP status and words a person reads.
type PageError struct {
	Status  int
	Title   string
	Message string
	Err     error // for logs
}

func (e *PageError) Error() string { return fmt.Sprintf("%d %s: %v", e.Status, e.Title, e.Err) }
func (e *PageError) Unwrap() error { return e.Err }

func pageErr(status int, title, msg string, err error) *PageError {
	return &PageError{Status: status, Title: title, Message: msg, Err: err}
}

var (
	errBadLink     = pageErr(404, "Link inválido · Invalid link", "Este link de autorização não existe ou já foi usado. Peça um novo link à sua plataforma. · This authorization link does not exist or was already used. Ask your platform for a new one.", nil)
	errLinkExpired = pageErr(410, "Link expirado · Link expired", "Este link de autorização expirou. Peça um novo link à sua plataforma. · This authorization link has expired. Ask your platform for a new one.", nil)
	errBadSession  = pageErr(400, "Sessão inválida · Invalid session", "Não foi possível confirmar que esta é a mesma janela que iniciou o acesso. Abra o link novamente. · We could not confirm this is the browser that started the login. Open the link again.", nil)
	errBadForm     = pageErr(403, "Formulário inválido · Invalid form", "O formulário não pôde ser validado. Nada foi alterado. · The form could not be verified. Nothing was changed.", nil)
	errSessionUsed = pageErr(409, "Já concluído · Already done", "Esta autorização já foi concluída. · This authorization was already completed.", nil)
)

// journey is a holder session as the pages use it.
type journey struct {
	session *models.HolderSession
	// redirect, when set, ends the journey at the tenant's redirect URI (the wrong holder logged in).
	redirect string
}

// OpenLink consumes a single-use authorization link and starts the holder's login: it returns
// the cookie value that binds this browser to the login, and the provider URL to go to.
func (s *Service) OpenLink(ctx context.Context, login *Login, secret string) (cookie, authURL string, err error) {
	now := s.now()
	expired := false
	var f flowSecrets
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c models.Consent
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("link_hash = ?", hashSecret(secret)).Take(&c).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errBadLink
		}
		if err != nil {
			return err
		}
		if c.LinkUsedAt != nil || Status(c.Status) != StatusAwaiting {
			return errBadLink
		}
		if !now.Before(c.LinkExpiresAt) {
			reason := "authorization link not used in time"
			expired = true
			return s.transition(ctx, tx, &c, StatusExpired, "system", &reason)
		}
		c.LinkUsedAt = &now
		if err := tx.Model(&c).Update("link_used_at", now).Error; err != nil {
			return err
		}
		_, cookie, f, err = s.newSession(tx, "consent", &c.ID)
		return err
	})
	if err == nil && expired {
		return "", "", errLinkExpired
	}
	if err != nil {
		return "", "", err
	}
	authURL, err = login.AuthURL(ctx, f)
	return cookie, authURL, err
}

// startLogin starts a login for one of the holder's pages ("manage" or "approve").
func (s *Service) startLogin(ctx context.Context, login *Login, purpose string) (cookie, authURL string, err error) {
	var f flowSecrets
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		_, cookie, f, err = s.newSession(tx, purpose, nil)
		return err
	})
	if err != nil {
		return "", "", err
	}
	authURL, err = login.AuthURL(ctx, f)
	return cookie, authURL, err
}

func (s *Service) newSession(tx *gorm.DB, purpose string, consentID *uuid.UUID) (*models.HolderSession, string, flowSecrets, error) {
	f, err := newFlowSecrets()
	if err != nil {
		return nil, "", f, err
	}
	cookie, err := randomToken()
	if err != nil {
		return nil, "", f, err
	}
	now := s.now()
	sess := &models.HolderSession{
		Purpose: purpose, ConsentID: consentID, CookieHash: hashSecret(cookie), State: f.State, Nonce: f.Nonce,
		PKCEVerifier: f.Verifier, ExpiresAt: now.Add(sessionTTL), CreatedAt: now,
	}
	return sess, cookie, f, tx.Create(sess).Error
}

// Callback finishes the login: the state must be one Ponte issued, unused, unexpired and bound to
// this browser's cookie; the code is exchanged with the PKCE verifier and the ID token verified
// with its nonce. For a consent, the holder must hold or represent the account (or, when asked
// by document, at least one approved account matching it).
func (s *Service) Callback(ctx context.Context, login *Login, cookie string, q url.Values) (*journey, error) {
	state := q.Get("state")
	var sess models.HolderSession
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("state = ?", state).Take(&sess).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || state == "" {
			return errBadSession
		}
		if err != nil {
			return err
		}
		if cookie == "" || subtle.ConstantTimeCompare(hashSecret(cookie), sess.CookieHash) != 1 {
			return errBadSession // a replay from another browser burns nothing of the holder's
		}
		if sess.StateUsedAt != nil {
			return errSessionUsed
		}
		if !s.now().Before(sess.ExpiresAt) {
			return errBadSession
		}
		now := s.now()
		sess.StateUsedAt = &now
		return tx.Model(&sess).Update("state_used_at", now).Error
	})
	if err != nil {
		return nil, err
	}
	if e := q.Get("error"); e != "" {
		return nil, pageErr(400, "Login não concluído · Login not completed", "O provedor de identidade não concluiu o login: "+e+". · The identity provider did not complete the login.", nil)
	}
	h, err := login.Exchange(ctx, q.Get("code"), flowSecrets{State: sess.State, Nonce: sess.Nonce, Verifier: sess.PKCEVerifier})
	if err != nil {
		if errors.Is(err, errLogin) {
			return nil, pageErr(400, "Login inválido · Invalid login", "Não foi possível validar o seu login. Nada foi autorizado. · Your login could not be verified. Nothing was granted.", err)
		}
		return nil, err
	}
	csrf, err := randomToken()
	if err != nil {
		return nil, err
	}
	j := &journey{session: &sess}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sess.HolderIssuer, sess.HolderSubject, sess.HolderDocument, sess.CSRFToken = &h.Issuer, &h.Subject, &h.Document, &csrf
		sess.ExpiresAt = s.now().Add(holderSessionTTL) // logged in: the one session of every holder page
		if sess.Purpose == "consent" {
			var c models.Consent
			if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", sess.ConsentID).Take(&c).Error; err != nil {
				return err
			}
			cands, err := candidates(tx, &c, h.Document)
			if err != nil {
				return err
			}
			if len(cands) == 0 {
				return s.rejectWrongHolder(ctx, tx, &sess, &c, j)
			}
		}
		return tx.Save(&sess).Error
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

// ReasonWrongHolder is why a consent ends REJECTED when the person who logged in on its journey
// neither holds nor represents the account: the link is spent, so the tenant hears at once (its
// redirect URI gets result=rejected&error=wrong_holder) instead of waiting for the link to expire.
const ReasonWrongHolder = "wrong_holder"

// rejectWrongHolder ends the consent REJECTED with ReasonWrongHolder inside tx and sets j's
// redirect to the tenant's URI. Nothing is granted and the wrong person's identity is not kept
// on the consent; the event names them as the actor. The caller has locked c's row.
func (s *Service) rejectWrongHolder(ctx context.Context, tx *gorm.DB, sess *models.HolderSession, c *models.Consent, j *journey) error {
	now := s.now()
	sess.DoneAt = &now
	if err := tx.Save(sess).Error; err != nil {
		return err
	}
	if Status(c.Status) != StatusAwaiting {
		return errSessionUsed
	}
	reason := ReasonWrongHolder
	c.DecidedAt = &now
	if err := s.transition(ctx, tx, c, StatusRejected, "holder:"+*sess.HolderSubject, &reason); err != nil {
		return err
	}
	j.redirect = redirectTo(*c, "rejected", ReasonWrongHolder)
	return nil
}

// candidates are the approved accounts the holder (by verified document) may grant for c.
func candidates(tx *gorm.DB, c *models.Consent, holderDoc string) ([]models.Account, error) {
	return accounts.FindVisible(tx, func(q *gorm.DB) *gorm.DB {
		q = q.Where("status = ?", accounts.StatusApproved).
			Where("id IN (?)", auth.HeldBy(tx.Session(&gorm.Session{NewDB: true}), holderDoc))
		switch {
		case c.AccountID != nil:
			q = q.Where("id = ?", *c.AccountID)
		case c.RequestedDocument != nil:
			if *c.RequestedDocument != holderDoc { // asked by a company's CNPJ: that company's account
				q = q.Where("document = ?", *c.RequestedDocument)
			}
		}
		return q
	})
}

// Decision is the holder's answer on the consent page.
type Decision struct {
	Cookie    string
	CSRFToken string
	Approve   bool
	AccountID *uuid.UUID // which account, when the consent was asked by document
}

// Decide records the holder's answer and returns where to send the browser: the tenant's
// redirect URI with consent_id, result and the tenant's state. The CSRF token, the cookie and an
// unfinished session are all required; a second post is refused and changes nothing.
func (s *Service) Decide(ctx context.Context, sessionID uuid.UUID, d Decision) (string, error) {
	var redirect string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sess models.HolderSession
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND purpose = 'consent'", sessionID).Take(&sess).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errBadSession
		}
		if err != nil {
			return err
		}
		if err := checkForm(&sess, d.Cookie, d.CSRFToken, s.now()); err != nil {
			return err
		}
		var c models.Consent
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", sess.ConsentID).Take(&c).Error; err != nil {
			return err
		}
		if Status(c.Status) != StatusAwaiting {
			return errSessionUsed
		}
		now := s.now()
		sess.DoneAt = &now
		if err := tx.Model(&sess).Update("done_at", now).Error; err != nil {
			return err
		}
		c.DecidedAt, c.HolderIssuer, c.HolderSubject, c.HolderDocument = &now, sess.HolderIssuer, sess.HolderSubject, sess.HolderDocument
		to, result := StatusRejected, "rejected"
		if d.Approve {
			cands, err := candidates(tx, &c, *sess.HolderDocument)
			if err != nil {
				return err
			}
			chosen := pick(cands, d.AccountID)
			if chosen == nil {
				return pageErr(400, "Escolha uma conta · Choose an account", "Escolha uma das suas contas para autorizar. · Choose one of your accounts to grant.", nil)
			}
			c.AccountID, to, result = &chosen.ID, StatusAuthorised, "approved"
		}
		if err := s.transition(ctx, tx, &c, to, "holder:"+*sess.HolderSubject, nil); err != nil {
			return err
		}
		redirect = redirectTo(c, result, "")
		return nil
	})
	if err != nil {
		return "", err
	}
	return redirect, nil
}

func pick(cands []models.Account, want *uuid.UUID) *models.Account {
	if want == nil && len(cands) == 1 {
		return &cands[0]
	}
	for i := range cands {
		if want != nil && cands[i].ID == *want {
			return &cands[i]
		}
	}
	return nil
}

// checkForm verifies a posted holder form: this browser's cookie, the page's CSRF token, a
// session that is logged in, unexpired and not yet done.
func checkForm(sess *models.HolderSession, cookie, csrf string, now time.Time) error {
	if cookie == "" || subtle.ConstantTimeCompare(hashSecret(cookie), sess.CookieHash) != 1 {
		return errBadSession
	}
	if sess.CSRFToken == nil || csrf == "" || subtle.ConstantTimeCompare([]byte(csrf), []byte(*sess.CSRFToken)) != 1 {
		return errBadForm
	}
	if sess.DoneAt != nil {
		return errSessionUsed
	}
	if !now.Before(sess.ExpiresAt) {
		return errBadSession
	}
	return nil
}

// redirectTo is the tenant's redirect URI with the consent's id, the result, the tenant's state
// and, when errCode is not empty, error=errCode.
func redirectTo(c models.Consent, result, errCode string) string {
	u, err := url.Parse(c.RedirectURI)
	if err != nil {
		return c.RedirectURI
	}
	q := u.Query()
	q.Set("consent_id", globalid.Encode(globalid.Consent, c.ID))
	q.Set("result", result)
	if errCode != "" {
		q.Set("error", errCode)
	}
	if c.TenantState != nil {
		q.Set("state", *c.TenantState)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
