package consent

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/receipts"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Approvals is what the approval page needs from the payments domain (*payments.Service). The
// page asks the authorizer first; payments only carries the decision out.
type Approvals interface {
	Pending(ctx context.Context, accountIDs []uuid.UUID) ([]models.Payment, error)
	Decide(ctx context.Context, by string, approve, reject []uuid.UUID, reason *string) ([]*models.Payment, error)
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
	pending, byID, err := p.pendingFor(r.Context(), sess)
	if err != nil {
		p.fail(w, r, err)
		return
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

// pendingFor returns the payments awaiting the session holder's decision, on every account the
// authorizer lets them see (those they hold or represent), with those accounts by id.
func (p *Pages) pendingFor(ctx context.Context, sess *models.HolderSession) ([]models.Payment, map[uuid.UUID]models.Account, error) {
	visible, err := p.authz.AccountVisibility(asHolder(ctx, sess))
	if err != nil {
		return nil, nil, err
	}
	accs, err := accounts.FindVisible(p.svc.db.WithContext(ctx), visible)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[uuid.UUID]models.Account, len(accs))
	ids := make([]uuid.UUID, 0, len(accs))
	for _, a := range accs {
		byID[a.ID] = a
		ids = append(ids, a.ID)
	}
	pending, err := p.approvals.Pending(ctx, ids)
	return pending, byID, err
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
	case t.AccountCode != "" && t.BranchCode == "": // a transfer to a code that named no account able to receive
		row.Detail = "c/c " + t.AccountCode
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
	if err := p.decidePayments(r.Context(), sess, approve, reject); err != nil {
		p.log.InfoContext(r.Context(), "approval refused", "err", err)
		p.renderApprovals(w, r, "Nada foi alterado: algum pagamento não está mais aguardando aprovação. · Nothing was changed: a payment no longer awaits approval.")
		return
	}
	p.renderApprovals(w, r, notice)
}

// decidePayments asks the authorizer whether the session's holder may decide every payment, as
// the GraphQL mutations do, and only then has payments carry the decision out, all or none.
func (p *Pages) decidePayments(ctx context.Context, sess *models.HolderSession, approve, reject []uuid.UUID) error {
	c, err := p.authz.DecidePayments(asHolder(ctx, sess), append(append([]uuid.UUID{}, approve...), reject...))
	if err != nil {
		return err
	}
	_, err = p.approvals.Decide(ctx, c.Actor(), approve, reject, nil)
	return err
}
