package consent

import (
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/models"
)

//go:embed templates
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// Pages serves the holder's pages: the authorization link, the login callback, the consent
// decision and "my consents". Server-rendered HTML, no JavaScript.
type Pages struct {
	svc       *Service
	login     *Login
	authz     *auth.Authorizer // what the logged-in holder may see and decide
	log       *slog.Logger
	approvals Approvals // nil: no approval page
	// cookie is "__Host-ponte_holder" over https; browsers and HTTP clients refuse Secure cookies
	// on plain http, so development over http uses a plain name with the same other attributes.
	cookie string
	secure bool
}

// NewPages returns the holder pages of svc. authz judges the logged-in holder as it judges the
// GraphQL API's callers.
func NewPages(svc *Service, login *Login, authz *auth.Authorizer, log *slog.Logger) *Pages {
	p := &Pages{svc: svc, login: login, authz: authz, log: log, cookie: "ponte_holder"}
	if strings.HasPrefix(svc.cfg.PublicURL, "https://") {
		p.cookie, p.secure = "__Host-ponte_holder", true
	}
	return p
}

// WithApprovals adds the holder's payment approval page (GET and POST /approvals).
func (p *Pages) WithApprovals(a Approvals) *Pages {
	p.approvals = a
	return p
}

// Routes mounts the pages on mux.
func (p *Pages) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /consents/authorize", p.authorize)
	mux.HandleFunc("GET /consents/callback", p.callback)
	mux.HandleFunc("GET /consents/decide", p.showDecision)
	mux.HandleFunc("POST /consents/decide", p.decide)
	mux.HandleFunc("GET /consents/mine", p.mine)
	mux.HandleFunc("POST /consents/mine/revoke", p.revoke)
	mux.HandleFunc("POST /consents/logout", p.logout)
	if p.approvals != nil {
		mux.HandleFunc("GET /approvals", p.showApprovals)
		mux.HandleFunc("POST /approvals", p.decideApprovals)
	}
	mux.HandleFunc("GET /consents/assets/style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.ServeFileFS(w, r, templateFS, "templates/style.css")
	})
}

func (p *Pages) authorize(w http.ResponseWriter, r *http.Request) {
	cookie, to, err := p.svc.OpenLink(r.Context(), p.login, r.URL.Query().Get("link"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.setCookie(w, cookie)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (p *Pages) callback(w http.ResponseWriter, r *http.Request) {
	j, err := p.svc.Callback(r.Context(), p.login, p.readCookie(r), r.URL.Query())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if j.redirect != "" {
		http.Redirect(w, r, j.redirect, http.StatusSeeOther)
		return
	}
	next := map[string]string{"consent": "/consents/decide?session=" + j.session.ID.String(), "manage": "/consents/mine", "approve": "/approvals"}[j.session.Purpose]
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (p *Pages) showDecision(w http.ResponseWriter, r *http.Request) {
	id, _ := uuid.Parse(r.URL.Query().Get("session"))
	pg, err := p.svc.decisionPage(r.Context(), id, p.readCookie(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	type account struct{ ID, Name, Document, Branch, Code string }
	data := struct {
		Title, Tenant, Until, Session, CSRF string
		Scopes                              [][2]string
		Accounts                            []account
		Nav                                 *nav
	}{Title: "Autorizar acesso", Tenant: pg.Consent.Tenant.Name, Until: pg.Consent.ExpiresAt.In(saoPauloTZ).Format("02/01/2006"),
		Session: pg.Session.ID.String(), CSRF: *pg.Session.CSRFToken, Nav: &nav{CSRF: *pg.Session.CSRFToken}}
	for _, sc := range pg.Consent.Scopes {
		data.Scopes = append(data.Scopes, scopeSentence(sc))
	}
	for _, a := range pg.Candidates {
		acc := account{ID: a.ID.String(), Name: a.Name, Document: maskDocument(a.Document)}
		if a.BankAccount != nil {
			acc.Branch, acc.Code = a.BankAccount.BranchCode, a.BankAccount.AccountCode
		}
		data.Accounts = append(data.Accounts, acc)
	}
	p.render(w, http.StatusOK, "decide.html", data)
}

func (p *Pages) decide(w http.ResponseWriter, r *http.Request) {
	if err := sameOrigin(r); err != nil {
		p.fail(w, r, err)
		return
	}
	id, _ := uuid.Parse(r.PostFormValue("session"))
	d := Decision{Cookie: p.readCookie(r), CSRFToken: r.PostFormValue("csrf_token")}
	switch r.PostFormValue("decision") {
	case "approve":
		d.Approve = true
	case "reject":
	default:
		p.fail(w, r, pageErr(400, "Escolha inválida · Invalid choice", "Escolha autorizar ou recusar. · Choose approve or reject.", nil))
		return
	}
	if a, err := uuid.Parse(r.PostFormValue("accountId")); err == nil {
		d.AccountID = &a
	}
	to, err := p.svc.Decide(r.Context(), id, d)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (p *Pages) mine(w http.ResponseWriter, r *http.Request) {
	sess := p.currentPage(w, r, "manage")
	if sess == nil {
		return
	}
	grants, err := p.myGrants(r.Context(), sess)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, http.StatusOK, "mine.html", mineData(sess, grants, nil))
}

// grantView is one live grant as "my consents" shows it.
type grantView struct {
	ID, Tenant, Account, Until string
	Scopes                     [][2]string // each as a sentence, Portuguese and English
}

// mineData is what mine.html shows; confirm, when set, is the grant whose revocation the holder
// is asked to confirm.
func mineData(sess *models.HolderSession, grants []models.Consent, confirm *grantView) any {
	data := struct {
		Title, CSRF string
		Grants      []grantView
		Confirm     *grantView
		Nav         *nav
	}{Title: "Meus consentimentos", CSRF: *sess.CSRFToken, Confirm: confirm, Nav: &nav{CSRF: *sess.CSRFToken, Here: "mine"}}
	for _, g := range grants {
		data.Grants = append(data.Grants, viewOfGrant(g))
	}
	return data
}

func viewOfGrant(g models.Consent) grantView {
	v := grantView{ID: g.ID.String(), Tenant: g.Tenant.Name, Account: accountLabel(g.Account), Until: g.ExpiresAt.In(saoPauloTZ).Format("02/01/2006")}
	for _, sc := range g.Scopes {
		v.Scopes = append(v.Scopes, scopeSentence(sc))
	}
	return v
}

// logIn starts the holder's login for one of the pages and sends the browser to the provider.
func (p *Pages) logIn(w http.ResponseWriter, r *http.Request, purpose string) {
	cookie, to, err := p.svc.startLogin(r.Context(), p.login, purpose)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.setCookie(w, cookie)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// revoke asks the holder to confirm, then revokes: the first post (the list's button) shows the
// grant again with a confirmation button, whose post carries confirm=yes. No JavaScript needed.
func (p *Pages) revoke(w http.ResponseWriter, r *http.Request) {
	sess, err := p.postedSession(r)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	consentID, _ := uuid.Parse(r.PostFormValue("consentId"))
	if r.PostFormValue("confirm") != "yes" {
		grants, err := p.myGrants(r.Context(), sess)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, g := range grants {
			if g.ID == consentID {
				v := viewOfGrant(g)
				p.render(w, http.StatusOK, "mine.html", mineData(sess, nil, &v))
				return
			}
		}
		p.fail(w, r, errBadLink)
		return
	}
	if err := p.revokeByHolder(r.Context(), sess, consentID); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/consents/mine", http.StatusSeeOther)
}

// sameOrigin refuses a form posted from another site when the browser says so; the CSRF token
// is the real check, this is defence in depth.
func sameOrigin(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host != r.Host {
		return pageErr(403, "Formulário inválido · Invalid form", "O formulário veio de outro site. Nada foi alterado. · The form came from another site. Nothing was changed.", nil)
	}
	return nil
}

func (p *Pages) setCookie(w http.ResponseWriter, value string) {
	http.SetCookie(w, &http.Cookie{Name: p.cookie, Value: value, Path: "/", HttpOnly: true, Secure: p.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(holderSessionTTL / time.Second)})
}

func (p *Pages) readCookie(r *http.Request) string {
	c, err := r.Cookie(p.cookie)
	if err != nil {
		return ""
	}
	return c.Value
}

func (p *Pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *PageError
	if !errors.As(err, &pe) {
		p.log.ErrorContext(r.Context(), "holder page", "path", r.URL.Path, "err", err)
		pe = pageErr(500, "Erro · Error", "Algo deu errado do nosso lado. Tente novamente. · Something went wrong on our side. Please try again.", err)
	} else if pe.Err != nil {
		p.log.InfoContext(r.Context(), "holder page refused", "path", r.URL.Path, "status", pe.Status, "err", pe.Err)
	}
	p.render(w, pe.Status, "error.html", pe)
}

// Failed reports whether the page tells of a failure (shown as an error, not as a notice).
func (e *PageError) Failed() bool { return e.Status >= 400 }

// Nav is nil: an error page offers no links that need a session.
func (e *PageError) Nav() *nav {
	return nil
}

func (p *Pages) render(w http.ResponseWriter, status int, name string, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		p.log.Error("render holder page", "template", name, "err", err)
	}
}

// saoPauloTZ shows times as holders read them.
var saoPauloTZ = saopaulo.Location

func maskDocument(d string) string {
	if len(d) == 11 { // CPF: show only the middle, as Brazilian banks do
		return "***." + d[3:6] + "." + d[6:9] + "-**"
	}
	return d
}

func accountLabel(a *models.Account) string {
	if a == nil {
		return ""
	}
	if a.BankAccount != nil {
		return a.Name + " · ag. " + a.BankAccount.BranchCode + " c/c " + a.BankAccount.AccountCode
	}
	return a.Name
}
