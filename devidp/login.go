package devidp

import (
	"bytes"
	"context"
	_ "embed"
	"html/template"
	"log/slog"
	"net/http"
)

//go:embed login.html
var loginHTML string

var loginTemplate = template.Must(template.New("login").Parse(loginHTML))

// loginPage is where zitadel sends the browser after /authorize (the
// client's LoginURL). GET shows the form; POST checks the credentials,
// records the login on the authorization request and redirects to
// zitadel's callback, which issues the code.
//
// There is no session cookie: every authorization shows the form, which is
// what prompt=login and max_age=0 ask for anyway. The request id in the
// form is unguessable and single-use, which is what stops a forged post.
type loginPage struct {
	store       *storage
	users       *users
	clients     map[string]*client
	actionURL   string
	callbackURL func(ctx context.Context, authRequestID string) string
	log         *slog.Logger
	shown       []User // listed with their passwords on the form (Config.ShowUsers)
}

type loginView struct {
	Expired       bool
	ClientName    string
	Scopes        []string
	Error         string
	Action        string
	AuthRequestID string
	Username      string
	Users         []User // the development people, when shown
}

func (l *loginPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	// No form-action: browsers apply it to the redirects after the post,
	// which lead to the client's own origin.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")

	switch r.Method {
	case http.MethodGet, http.MethodHead:
		l.show(w, r.URL.Query().Get("authRequestID"), "", "")
	case http.MethodPost:
		l.submit(w, r)
	default:
		h.Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (l *loginPage) show(w http.ResponseWriter, id, username, errMsg string) {
	req, ok := l.store.pendingRequest(id)
	if !ok {
		l.render(w, http.StatusBadRequest, loginView{Expired: true})
		return
	}
	name := req.clientID
	if c := l.clients[req.clientID]; c != nil && c.Name != "" {
		name = c.Name
	}
	l.render(w, http.StatusOK, loginView{
		ClientName:    name,
		Scopes:        req.scopes,
		Error:         errMsg,
		Action:        l.actionURL,
		AuthRequestID: id,
		Username:      username,
		Users:         l.shown,
	})
}

// submit reads the credentials from the body only, never the URL. A wrong
// username and a wrong password get the same message and status (200, the
// form again), so the form does not reveal which usernames exist.
func (l *loginPage) submit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	// The id may come in the body (the form's hidden input) or in the query
	// (a client posting back to the page's own URL).
	id := r.FormValue("authRequestID")
	username := r.PostForm.Get("username")
	user, ok := l.users.authenticate(username, r.PostForm.Get("password"))
	if !ok {
		l.log.InfoContext(r.Context(), "devidp: login failed")
		l.show(w, id, username, "Usuário ou senha inválidos. · Invalid username or password.")
		return
	}
	if err := l.store.completeLogin(id, user.Subject); err != nil {
		l.render(w, http.StatusBadRequest, loginView{Expired: true})
		return
	}
	l.log.InfoContext(r.Context(), "devidp: login", "sub", user.Subject)
	// 303: the browser follows with a GET to zitadel's callback.
	http.Redirect(w, r, l.callbackURL(r.Context(), id), http.StatusSeeOther)
}

func (l *loginPage) render(w http.ResponseWriter, status int, v loginView) {
	var buf bytes.Buffer
	if err := loginTemplate.Execute(&buf, v); err != nil {
		l.log.Error("devidp: login template", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
