package consent

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
)

// holderSessionTTL is how long a holder stays logged in on Ponte's pages after a login: one
// session serves the consent page, "my consents" and the approval page, found by the browser's
// cookie (HttpOnly, SameSite=Lax, Secure over https), until it expires or the holder logs out.
const holderSessionTTL = 30 * time.Minute

// current loads the logged-in session this browser's cookie names, unexpired; errBadSession
// when there is none.
func (s *Service) current(ctx context.Context, cookie string) (*models.HolderSession, error) {
	if cookie == "" {
		return nil, errBadSession
	}
	var sess models.HolderSession
	err := s.db.WithContext(ctx).Where("cookie_hash = ? AND holder_document IS NOT NULL AND expires_at > ?", hashSecret(cookie), s.now()).
		Order("created_at DESC").Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errBadSession
	}
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// checkPageForm verifies a form posted on a logged-in holder page ("my consents", approvals,
// logout): this browser's cookie and the session's CSRF token. Unlike checkForm it does not care
// whether a consent decision was already made with the session.
func checkPageForm(sess *models.HolderSession, cookie, csrf string, now time.Time) error {
	if cookie == "" || subtle.ConstantTimeCompare(hashSecret(cookie), sess.CookieHash) != 1 || !now.Before(sess.ExpiresAt) {
		return errBadSession
	}
	if sess.CSRFToken == nil || csrf == "" || subtle.ConstantTimeCompare([]byte(csrf), []byte(*sess.CSRFToken)) != 1 {
		return errBadForm
	}
	return nil
}

// endSession logs the holder out: the session's row expires now, so the cookie names nothing.
func (s *Service) endSession(ctx context.Context, sess *models.HolderSession) error {
	return s.db.WithContext(ctx).Model(sess).Update("expires_at", s.now()).Error
}

// nav is the bar of a logged-in holder page: links to the other pages and the logout form.
type nav struct {
	CSRF string
	Here string // "approvals" or "mine"
}

// loggedOut is the page after logging out.
var loggedOut = &PageError{Status: http.StatusOK, Title: "Você saiu · Logged out",
	Message: "Você saiu da Ponte neste navegador. · You have logged out of Ponte in this browser."}

// currentPage returns the holder's session for a page, or nil after starting the login for
// purpose ("manage" or "approve"), which comes back to the page.
func (p *Pages) currentPage(w http.ResponseWriter, r *http.Request, purpose string) *models.HolderSession {
	sess, err := p.svc.current(r.Context(), p.readCookie(r))
	if errors.Is(err, errBadSession) {
		p.logIn(w, r, purpose)
		return nil
	}
	if err != nil {
		p.fail(w, r, err)
		return nil
	}
	return sess
}

// postedSession is the holder's session behind a form posted on a holder page: from the page's
// own origin, the cookie's live session, and the page's CSRF token (every POST of /approvals,
// /consents/mine and logout).
func (p *Pages) postedSession(r *http.Request) (*models.HolderSession, error) {
	if err := sameOrigin(r); err != nil {
		return nil, err
	}
	cookie := p.readCookie(r)
	sess, err := p.svc.current(r.Context(), cookie)
	if err != nil {
		return nil, err
	}
	return sess, checkPageForm(sess, cookie, r.PostFormValue("csrf_token"), p.svc.now())
}

// logout ends the browser's session and forgets its cookie.
func (p *Pages) logout(w http.ResponseWriter, r *http.Request) {
	sess, err := p.postedSession(r)
	if err == nil {
		err = p.svc.endSession(r.Context(), sess)
	}
	if err != nil && !errors.Is(err, errBadSession) {
		p.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: p.cookie, Value: "", Path: "/", HttpOnly: true, Secure: p.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	p.render(w, http.StatusOK, "error.html", loggedOut)
}
