package httpapi

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/statementexport"
	"github.com/ponte-bff/ponte/globalid"
)

// Statements exports account statements as OFX and CSV.
type Statements struct {
	Authz    *auth.Authorizer
	Accounts *accounts.Service
	Ledger   *ledger.Service
	Log      *slog.Logger
}

// Routes mounts GET /accounts/{id}/statement.ofx and .csv; from and to (YYYY-MM-DD, São Paulo
// days, both included) are optional query parameters, and the CSV takes dialect=br for Brazilian
// spreadsheets (statementexport.DialectBR). The caller wraps mux with authentication.
func (s *Statements) Routes(mux *http.ServeMux, authenticate func(http.Handler) http.Handler) {
	mux.Handle("GET /accounts/{id}/statement.ofx", authenticate(s.handler("ofx")))
	mux.Handle("GET /accounts/{id}/statement.csv", authenticate(s.handler("csv")))
}

func (s *Statements) handler(format string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := globalid.DecodeAs(r.PathValue("id"), globalid.Account)
		if !ok {
			auth.WriteError(w, http.StatusBadRequest, apperr.Field(apperr.BadInput, []string{"id"}, "%q is not an Account ID", r.PathValue("id")))
			return
		}
		if _, err := s.Authz.Account(r.Context(), auth.ActionReadStatement, id); err != nil {
			s.fail(w, r, err)
			return
		}
		f, err := filter(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dialect, err := statementexport.ParseDialect(r.URL.Query().Get("dialect"))
		if err != nil || (format == "ofx" && dialect != statementexport.DialectStandard) {
			s.fail(w, r, apperr.Field(apperr.BadInput, []string{"dialect"}, "dialect is br or left out, and only for the CSV"))
			return
		}
		acc, err := s.Accounts.Get(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if acc.BankAccount == nil {
			s.fail(w, r, apperr.E(apperr.AccountNotApproved, "the account has no payment account yet, so no statement"))
			return
		}
		buf := bufio.NewWriterSize(w, 32<<10) // stream: entries go out as they are read
		var out statementexport.Writer
		name := fmt.Sprintf("ponte-%s-%s", acc.BankAccount.AccountCode, time.Now().UTC().Format("20060102"))
		switch format {
		case "ofx":
			w.Header().Set("Content-Type", statementexport.OFXContentType)
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.ofx"`)
			out = statementexport.NewOFX(buf, statementexport.AccountOf(acc.BankAccount), time.Now())
		default:
			w.Header().Set("Content-Type", statementexport.CSVContentType)
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			out = statementexport.NewCSVDialect(buf, dialect)
		}
		w.Header().Set("Cache-Control", "no-store")
		if err := statementexport.Export(r.Context(), s.Ledger, id, f, out); err != nil {
			// Headers may be gone already: the response is cut short, which the client sees.
			s.Log.ErrorContext(r.Context(), "statement export", "account", id, "err", err)
			panic(http.ErrAbortHandler)
		}
		if err := buf.Flush(); err != nil {
			s.Log.InfoContext(r.Context(), "statement export: client went away", "err", err)
		}
	})
}

func filter(r *http.Request) (ledger.StatementFilter, error) {
	var f ledger.StatementFilter
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		v := r.URL.Query().Get(name)
		if v == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return f, apperr.Field(apperr.BadInput, []string{name}, "%s must be a date YYYY-MM-DD", name)
		}
		*dst = &d
	}
	if f.From != nil && f.To != nil && f.From.After(*f.To) {
		return f, apperr.Field(apperr.BadInput, []string{"to"}, "to must not be before from")
	}
	return f, nil
}

func (s *Statements) fail(w http.ResponseWriter, r *http.Request, err error) {
	fail(w, r, s.Log, "statement export", err)
}
