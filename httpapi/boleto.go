package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/boletopdf"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
)

// Boletos serves GET /boletos/{id}.pdf: the slip an ERP emails to its customer, to whoever may
// read the boleto (the same judgement as boleto(id): auth.Authorizer.Boleto).
type Boletos struct {
	Authz   *auth.Authorizer
	Boletos *boletos.Service
	Log     *slog.Logger
}

// Routes mounts the slip route, wrapped with authentication.
func (h *Boletos) Routes(mux *http.ServeMux, authenticate func(http.Handler) http.Handler) {
	mux.Handle("GET /boletos/{file}", authenticate(http.HandlerFunc(h.serve)))
}

func (h *Boletos) serve(w http.ResponseWriter, r *http.Request) {
	name, isPDF := strings.CutSuffix(r.PathValue("file"), ".pdf")
	id, ok := globalid.DecodeAs(name, globalid.Boleto)
	if !isPDF || !ok {
		auth.WriteError(w, http.StatusBadRequest, apperr.Field(apperr.BadInput, []string{"id"}, "%q is not a Boleto ID followed by .pdf", r.PathValue("file")))
		return
	}
	_, _, err := h.Authz.Boleto(r.Context(), auth.ActionReadAccount, id)
	var p *boletos.Printable
	if err == nil {
		p, err = h.Boletos.Find(r.Context(), id)
	}
	var buf bytes.Buffer
	if err == nil {
		err = boletopdf.Render(&buf, slipOf(p))
	}
	if err != nil {
		fail(w, r, h.Log, "boleto pdf", err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="boleto-`+p.Boleto.OurNumber+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-cache") // its status (and so what may be paid) changes
	_, _ = w.Write(buf.Bytes())
}

// slipOf is what the slip prints of a stored boleto.
func slipOf(p *boletos.Printable) boletopdf.Slip {
	b := p.Boleto
	s := boletopdf.Slip{BankCode: "197", TypedLine: b.TypedLine, Barcode: b.Barcode, OurNumber: b.OurNumber, Kind: b.Kind,
		Amount: b.AmountCents, DueDate: b.DueDate, LimitDate: b.LimitDate, IssuedAt: b.IssuedAt,
		Beneficiary: partyOf(b.Beneficiary), BranchCode: b.Beneficiary.BranchCode, AccountCode: b.Beneficiary.AccountCode,
		Payer: partyOf(b.Customer), Instructions: p.Instructions}
	if b.Description != nil {
		s.Description = *b.Description
	}
	return s
}

func partyOf(p models.BoletoParty) boletopdf.Party {
	out := boletopdf.Party{Name: p.Name, Document: p.Document}
	if a := p.Address; a != nil {
		var parts []string
		for _, s := range []string{strings.TrimSpace(a.Street + " " + a.Number), a.Complement, a.Neighborhood, a.City, a.State, a.PostalCode} {
			if s = strings.TrimSpace(s); s != "" {
				parts = append(parts, s)
			}
		}
		out.Address = strings.Join(parts, ", ")
	}
	return out
}
