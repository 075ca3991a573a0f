package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/internal/ratelimit"
)

// Receipts serves GET /payments/{id}/receipt.pdf: the receipt of a FINISHED, REFUNDED or
// SCHEDULED payment, to whoever may read the account's payments; and the public page
// GET /receipts/verify, where whoever holds a receipt confirms it.
type Receipts struct {
	Authz    *auth.Authorizer
	Payments *payments.Service
	Key      []byte
	Log      *slog.Logger
	// VerifyURL is the public verification page's address, printed on every receipt.
	VerifyURL string
	// VerifyLimit limits the verification page per client address (shared with verifyReceipt).
	VerifyLimit *ratelimit.Limiter
}

// Routes mounts the receipt route, wrapped with authentication.
func (h *Receipts) Routes(mux *http.ServeMux, authenticate func(http.Handler) http.Handler) {
	mux.Handle("GET /payments/{id}/receipt.pdf", authenticate(http.HandlerFunc(h.serve)))
	mux.Handle("GET "+VerifyReceiptPath, http.HandlerFunc(h.verifyPage)) // public: no token
}

func (h *Receipts) serve(w http.ResponseWriter, r *http.Request) {
	id, ok := globalid.DecodeAs(r.PathValue("id"), globalid.Payment)
	if !ok {
		auth.WriteError(w, http.StatusBadRequest, apperr.Field(apperr.BadInput, []string{"id"}, "%q is not a Payment ID", r.PathValue("id")))
		return
	}
	_, err := h.Authz.Payment(r.Context(), auth.ActionReadPayments, id)
	var rc *receipts.Receipt
	if err == nil {
		rc, err = h.Payments.Receipt(r.Context(), id, h.Key)
	}
	var buf bytes.Buffer
	if err == nil {
		rc.VerifyAt = h.VerifyURL
		err = rc.WritePDF(&buf)
	}
	if err != nil {
		fail(w, r, h.Log, "receipt", err)
		return
	}
	w.Header().Set("Content-Type", receipts.ContentType)
	w.Header().Set("Content-Disposition", `inline; filename="`+rc.Filename()+`"`)
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(buf.Bytes())
}
