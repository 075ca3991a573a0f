package consent

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Approvals is what the approval page needs from the payments domain (*payments.Service).
type Approvals interface {
	PendingForHolder(ctx context.Context, document string) ([]models.Payment, []models.Account, error)
	DecideForHolder(ctx context.Context, by, document string, approve, reject []uuid.UUID) error
}

// approvalRow is one pending payment as the page shows it.
type approvalRow struct {
	ID, Kind, Amount, Fee, Beneficiary, Detail, Due, Account, When string
}

var kindText = map[string]string{
	"INTERNAL_TRANSFER": "Transferência · Transfer", "TED": "TED", "BOLETO": "Boleto", "BARCODE": "Conta/tributo · Bill/tax",
}

func (p *Pages) showApprovals(w http.ResponseWriter, r *http.Request) {
	p.renderApprovals(w, r, "")
}

// renderApprovals shows the holder's pending payments, or starts the login when there is no
// logged-in session for this browser.
func (p *Pages) renderApprovals(w http.ResponseWriter, r *http.Request, notice string) {
	id, err := uuid.Parse(r.URL.Query().Get("session"))
	if err != nil {
		id, err = uuid.Parse(r.PostFormValue("session"))
	}
	if err != nil { // no session yet: log in first
		p.logIn(w, r, "approve")
		return
	}
	sess, err := p.svc.loggedIn(r.Context(), id, p.readCookie(r))
	if err != nil || sess.Purpose != "approve" {
		p.fail(w, r, errBadSession)
		return
	}
	pending, accs, err := p.approvals.PendingForHolder(r.Context(), *sess.HolderDocument)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	byID := map[uuid.UUID]models.Account{}
	for _, a := range accs {
		byID[a.ID] = a
	}
	data := struct {
		Title, Session, CSRF, Notice string
		Rows                         []approvalRow
	}{Title: "Aprovar pagamentos", Session: sess.ID.String(), CSRF: *sess.CSRFToken, Notice: notice}
	for i := range pending {
		data.Rows = append(data.Rows, rowOf(&pending[i], byID))
	}
	p.render(w, http.StatusOK, "approvals.html", data)
}

func rowOf(pay *models.Payment, accounts map[uuid.UUID]models.Account) approvalRow {
	t := pay.Target
	row := approvalRow{
		ID: globalid.Encode(globalid.Payment, pay.ID), Kind: kindText[pay.Kind],
		Amount: receipts.FormatBRL(money.Cents(pay.AmountCents)), Fee: receipts.FormatBRL(money.Cents(pay.FeeCents)),
		Beneficiary: t.Name, Due: pay.RunOn.Format("02/01/2006"), When: pay.CreatedAt.In(saoPauloTZ).Format("02/01/2006 15:04"),
	}
	switch {
	case t.TypedLine != "":
		row.Detail = t.TypedLine
		if row.Beneficiary == "" {
			row.Beneficiary = t.BankName + t.Segment
		}
	case t.AccountCode != "":
		row.Detail = strings.TrimSpace(t.BankName + " · ag. " + t.BranchCode + " c/c " + t.AccountCode)
	}
	if a, ok := accounts[pay.AccountID]; ok {
		row.Account = accountLabel(&a)
	}
	return row
}

func (p *Pages) decideApprovals(w http.ResponseWriter, r *http.Request) {
	if err := sameOrigin(r); err != nil {
		p.fail(w, r, err)
		return
	}
	id, _ := uuid.Parse(r.PostFormValue("session"))
	sess, err := p.svc.loggedIn(r.Context(), id, p.readCookie(r))
	if err != nil || sess.Purpose != "approve" {
		p.fail(w, r, errBadSession)
		return
	}
	if err := checkForm(sess, p.readCookie(r), r.PostFormValue("csrf_token"), p.svc.now()); err != nil {
		p.fail(w, r, err)
		return
	}
	var ids []uuid.UUID
	for _, gid := range r.PostForm["paymentId"] {
		key, ok := globalid.DecodeAs(gid, globalid.Payment)
		if !ok {
			p.fail(w, r, errBadLink)
			return
		}
		ids = append(ids, key)
	}
	if len(ids) == 0 {
		p.renderApprovals(w, r, "Marque ao menos um pagamento. · Tick at least one payment.")
		return
	}
	var approve, reject []uuid.UUID
	notice := ""
	switch r.PostFormValue("decision") {
	case "approve":
		approve, notice = ids, "Pagamentos aprovados. · Payments approved."
	case "reject":
		reject, notice = ids, "Pagamentos recusados. · Payments rejected."
	default:
		p.fail(w, r, pageErr(400, "Escolha inválida · Invalid choice", "Escolha aprovar ou recusar. · Choose approve or reject.", nil))
		return
	}
	if err := p.approvals.DecideForHolder(r.Context(), "holder:"+*sess.HolderSubject, *sess.HolderDocument, approve, reject); err != nil {
		p.log.InfoContext(r.Context(), "approval refused", "err", err)
		p.renderApprovals(w, r, "Nada foi alterado: algum pagamento não está mais aguardando aprovação. · Nothing was changed: a payment no longer awaits approval.")
		return
	}
	p.renderApprovals(w, r, notice)
}
