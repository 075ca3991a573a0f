package httpapi

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/internal/clientip"
)

// VerifyReceiptPath is the public page that confirms a receipt "na Ponte", as its PDF says:
// GET /receipts/verify shows a form, ?code=… the answer. It asks the same as the GraphQL query
// verifyReceipt, under the same per-address limit.
const VerifyReceiptPath = "/receipts/verify"

// verification is what the page shows: nothing before a code is given, then whether it is
// authentic and, when it is, what the receipt covers (as verifyReceipt answers).
type verification struct {
	Code, Error                        string
	Asked, Authentic                   bool
	What, Amount, Fee, Payer, PayerDoc string
	Beneficiary, When, Status          string
}

var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verificar comprovante – Ponte</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2933}
h1{color:#0b5d55}input{width:100%;font:1rem monospace;padding:.5rem;box-sizing:border-box}button{margin-top:.5rem;padding:.5rem 1rem}
.ok{border-left:4px solid #0b5d55;background:#f2f6f6;padding:.5rem 1rem}.bad{border-left:4px solid #b42318;background:#fef3f2;padding:.5rem 1rem}
dt{font-weight:600}dd{margin:0 0 .5rem}</style></head><body>
<h1>Verificar comprovante</h1>
<p>Informe o código de autenticação impresso no comprovante da Ponte.</p>
<form method="get"><label for="code">Código de autenticação</label>
<input id="code" name="code" value="{{.Code}}" autocomplete="off" placeholder="A1B2-C3D4-E5F6-0718-293A-4B5C-6D7E-8F90">
<button type="submit">Verificar</button></form>
{{if .Error}}<p class="bad" role="alert">{{.Error}}</p>
{{else if .Authentic}}<div class="ok" role="status"><p><strong>Comprovante autêntico</strong>: emitido pela Ponte.</p><dl>
<dt>Comprova</dt><dd>{{.What}}</dd><dt>Valor</dt><dd>{{.Amount}} (tarifa {{.Fee}})</dd>
<dt>Pagador</dt><dd>{{.Payer}} {{.PayerDoc}}</dd>{{if .Beneficiary}}<dt>Favorecido / beneficiário</dt><dd>{{.Beneficiary}}</dd>{{end}}
<dt>Data</dt><dd>{{.When}}</dd><dt>Situação atual do pagamento</dt><dd>{{.Status}}</dd></dl></div>
{{else if .Asked}}<p class="bad" role="alert"><strong>Código não reconhecido</strong>: a Ponte não emitiu comprovante com este código.</p>{{end}}
</body></html>`))

func (h *Receipts) verifyPage(w http.ResponseWriter, r *http.Request) {
	v := verification{Code: strings.TrimSpace(r.URL.Query().Get("code"))}
	status := http.StatusOK
	if v.Code != "" {
		v.Asked = true
		switch check, err := h.verify(r); {
		case errors.Is(err, errTooMany):
			status, v.Error = http.StatusTooManyRequests, "Muitas consultas deste endereço: tente de novo em um minuto."
		case err != nil:
			h.Log.ErrorContext(r.Context(), "verify receipt", "err", err)
			status, v.Error = http.StatusInternalServerError, "Não foi possível verificar agora: tente de novo."
		case check != nil:
			v.describe(check)
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.WriteHeader(status)
	_ = verifyPage.Execute(w, v)
}

// errTooMany is the limit's refusal.
var errTooMany = errors.New("too many receipt verifications from this address")

func (h *Receipts) verify(r *http.Request) (*payments.ReceiptCheck, error) {
	if !h.VerifyLimit.Allow(clientip.Of(r)) {
		return nil, errTooMany
	}
	return h.Payments.VerifyReceipt(r.Context(), r.URL.Query().Get("code"), h.Key)
}

// describe fills the page from an authentic receipt.
func (v *verification) describe(c *payments.ReceiptCheck) {
	rc := c.Receipt
	v.Authentic, v.Amount, v.Fee = true, receipts.FormatBRL(rc.Amount), receipts.FormatBRL(rc.Fee)
	v.Payer, v.PayerDoc, v.Beneficiary, v.Status = rc.Payer.Name, receipts.PublicDocument(rc.Payer), rc.Beneficiary.Name, string(c.Status)
	switch {
	case rc.Covers == receipts.CoversScheduling:
		v.What, v.When = "o agendamento de um pagamento ("+rc.Kind.Description()+")", "agendado para "+receipts.FormatDate(rc.ScheduledTo)
	case rc.Refund != nil:
		v.What, v.When = "um pagamento devolvido ("+rc.Kind.Description()+")", "devolvido em "+receipts.FormatTime(rc.Refund.At)
	default:
		v.What, v.When = "um pagamento efetivado ("+rc.Kind.Description()+")", "efetivado em "+receipts.FormatTime(rc.FinishedAt)
	}
}
