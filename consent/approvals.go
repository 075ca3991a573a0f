package consent

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
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

// approvalRow is one pending payment as the page shows it: what it pays, who asked, when it runs
// and until when the holder may decide (São Paulo time, with its offset).
type approvalRow struct {
	ID, Kind, Amount, Fee, Beneficiary, Detail, Account, Created string
	Tenant, Description, BoletoDue, RunOn, Deadline              string
	PastDue                                                      bool // a boleto paid after its due date: interest and fines may apply
	NoAccess                                                     bool // the asking tenant no longer reaches the account
}

var kindText = map[string]string{
	"INTERNAL_TRANSFER": "Transferência · Transfer", "TED": "TED", "BOLETO": "Boleto", "BARCODE": "Conta/tributo · Bill/tax",
}

// approvalsView is what approvals.html shows.
type approvalsView struct {
	Title, CSRF string
	Notice      string
	Failed      bool // the notice tells of a failure
	Rows        []approvalRow
	Nav         *nav
}

func (p *Pages) showApprovals(w http.ResponseWriter, r *http.Request) {
	sess := p.currentPage(w, r, "approve")
	if sess == nil {
		return
	}
	p.renderApprovals(w, r, sess, "", false)
}

// renderApprovals shows the session holder's pending payments, with a notice (a failure when
// failed) about what was just done.
func (p *Pages) renderApprovals(w http.ResponseWriter, r *http.Request, sess *models.HolderSession, notice string, failed bool) {
	pending, byID, err := p.pendingFor(r.Context(), sess)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	tenants, reach, err := p.askers(r.Context(), pending)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	data := approvalsView{Title: "Aprovar pagamentos", CSRF: *sess.CSRFToken, Notice: notice, Failed: failed,
		Nav: &nav{CSRF: *sess.CSRFToken, Here: "approvals"}}
	for i := range pending {
		row := rowOf(&pending[i], byID)
		if t := pending[i].TenantID; t != nil {
			row.Tenant = tenants[*t]
			row.NoAccess = !reach[*t][pending[i].AccountID]
		}
		data.Rows = append(data.Rows, row)
	}
	status := http.StatusOK
	if failed {
		status = http.StatusConflict
	}
	p.render(w, status, "approvals.html", data)
}

// askers returns the names of the tenants that created pending, and which accounts each still
// reaches with payments:initiate, as the authorizer judges it now. A payment whose tenant lost
// the account (its consent ended and the sweeper has not cancelled it yet) is shown as such.
func (p *Pages) askers(ctx context.Context, pending []models.Payment) (map[uuid.UUID]string, map[uuid.UUID]map[uuid.UUID]bool, error) {
	accountsOf := map[uuid.UUID][]uuid.UUID{}
	for _, pay := range pending {
		if pay.TenantID != nil {
			accountsOf[*pay.TenantID] = append(accountsOf[*pay.TenantID], pay.AccountID)
		}
	}
	names := map[uuid.UUID]string{}
	reach := map[uuid.UUID]map[uuid.UUID]bool{}
	if len(accountsOf) == 0 {
		return names, reach, nil
	}
	ids := make([]uuid.UUID, 0, len(accountsOf))
	for t := range accountsOf {
		ids = append(ids, t)
	}
	db := p.svc.db.WithContext(ctx)
	var ts []models.Tenant
	if err := db.Select("id", "name").Where("id IN ?", ids).Find(&ts).Error; err != nil {
		return nil, nil, err
	}
	for _, t := range ts {
		names[t.ID] = t.Name
	}
	for t, accs := range accountsOf {
		reached, err := auth.TenantReaches(ctx, db, t, auth.ScopePaymentsInitiate, accs, p.svc.now())
		if err != nil {
			return nil, nil, err
		}
		reach[t] = reached
	}
	return names, reach, nil
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

// dateBR is a calendar date as Brazilians write it.
const dateBR = "02/01/2006"

// saoPauloTime is an instant in São Paulo time with its offset, so nobody wonders which zone.
func saoPauloTime(t time.Time) string {
	return t.In(saoPauloTZ).Format("02/01/2006 15:04 (UTC-07:00)")
}

func rowOf(pay *models.Payment, accounts map[uuid.UUID]models.Account) approvalRow {
	t := pay.Target
	row := approvalRow{
		ID: globalid.Encode(globalid.Payment, pay.ID), Kind: kindText[pay.Kind],
		Amount: receipts.FormatBRL(money.Cents(pay.AmountCents)), Fee: receipts.FormatBRL(money.Cents(pay.FeeCents)),
		Beneficiary: t.Name, RunOn: pay.RunOn.Format(dateBR), Created: saoPauloTime(pay.CreatedAt),
	}
	if pay.Description != nil {
		row.Description = *pay.Description
	}
	if pay.ApprovalExpiresAt != nil {
		row.Deadline = saoPauloTime(*pay.ApprovalExpiresAt)
	}
	if due, err := time.Parse(time.DateOnly, t.DueDate); err == nil {
		row.BoletoDue = due.Format(dateBR)
		row.PastDue = pay.RunOn.Format(time.DateOnly) > t.DueDate
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
	sess, err := p.postedSession(r)
	if err != nil {
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
		p.renderApprovals(w, r, sess, "Marque ao menos um pagamento. · Tick at least one payment.", true)
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
		p.renderApprovals(w, r, sess, "Nada foi alterado: algum pagamento não está mais aguardando aprovação. · Nothing was changed: a payment no longer awaits approval.", true)
		return
	}
	p.renderApprovals(w, r, sess, notice, false)
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
