package stoneformat

import (
	"strings"
	"time"
)

// paymentData is a cash-out's target_data: Stone's payment, internal_transfer or
// external_transfer object (amounts in centavos), from Ponte's payment row.
func paymentData(f *Facts) Target {
	if f.Payment == nil { // a cash-out event that names no payment: never written, but never a panic
		return fieldsData(f)
	}
	p := f.Payment
	status := strings.ToUpper(f.Status)
	at := func(statuses ...string) any { // when the payment reached one of statuses, if it has
		for _, s := range statuses {
			if status == s {
				return stamp(&p.UpdatedAt)
			}
		}
		return nil
	}
	var approvedAt, rejectedAt, approvedBy, rejectedBy any
	if p.ApprovalStatus != nil && p.ApprovalDecidedAt != nil {
		switch *p.ApprovalStatus {
		case "APPROVED":
			approvedAt, approvedBy = stamp(p.ApprovalDecidedAt), orNil(p.ApprovalDecidedBy)
		case "REJECTED":
			rejectedAt, rejectedBy = stamp(p.ApprovalDecidedAt), orNil(p.ApprovalDecidedBy)
		}
	}
	var expiredAt any
	if status == "EXPIRED" {
		expiredAt = stamp(&p.UpdatedAt)
	}
	var scheduledTo any
	if p.ScheduledFor != nil {
		scheduledTo = p.ScheduledFor.Format(time.DateOnly)
	}
	d := map[string]any{
		"id":                         f.PaymentID,
		"account_id":                 f.AccountID,
		"amount":                     p.AmountCents,
		"fee":                        p.FeeCents,
		"status":                     status,
		"description":                orNil(p.Description),
		"idempotency_key":            p.IdempotencyKey,
		"scheduled_to":               scheduledTo,
		"created_at":                 stamp(&p.CreatedAt),
		"created_by":                 p.CreatedBy,
		"approval_expired_at":        expiredAt,
		"approved_at":                approvedAt,
		"approved_by":                approvedBy,
		"rejected_at":                rejectedAt,
		"rejected_by":                rejectedBy,
		"cancelled_at":               at("CANCELLED"),
		"finished_at":                stamp(p.FinishedAt),
		"failed_at":                  at("FAILED"),
		"refunded_at":                at("REFUNDED"),
		"failure_reason_code":        nil,
		"failure_reason_description": orNil(p.FailureReason),
	}
	t := p.Target
	switch p.Kind {
	case "INTERNAL_TRANSFER", "PAYROLL":
		account := map[string]any{"account_code": t.AccountCode}
		if f.TargetAccountID != "" {
			account["account_id"] = f.TargetAccountID
		}
		d["target"] = map[string]any{"account": account}
		d["target_account_code"] = t.AccountCode
	case "TED":
		d["target"] = map[string]any{
			"account": map[string]any{"account_code": t.AccountCode, "branch_code": t.BranchCode, "account_type": t.AccountType,
				"institution_code": t.BankCode, "institution": t.ISPB, "institution_name": t.BankName},
			"entity": map[string]any{"name": t.Name, "document": t.Document, "document_type": strings.ToLower(t.DocumentType)},
		}
		d["delay_to_next_business_day"] = status == "DELAYED_TO_NEXT_BUSINESS_DAY"
	default: // BOLETO, BARCODE: Stone's payment
		var expiration any
		if t.DueDate != "" {
			expiration = t.DueDate
		}
		d["barcode"] = t.Barcode
		d["writable_line"] = t.TypedLine
		d["barcode_details"] = map[string]any{"barcode": t.Barcode, "writable_line": t.TypedLine, "bank_code": t.BankCode,
			"bank_name": t.BankName, "expiration_date": expiration, "face_value": p.AmountCents}
		docType := "boleto"
		if p.Kind == "BARCODE" {
			docType = "utility"
		}
		d["details"] = map[string]any{"barcode": t.Barcode, "writable_line": t.TypedLine, "document_type": docType,
			"expiration_date": expiration, "value": p.AmountCents, "recipient_name": t.Name, "recipient_cpf_cnpj": t.Document}
	}
	detail := strings.TrimSuffix(f.BaseURL, "/") + "/payments/" + f.PaymentID + "/receipt.pdf"
	return Target{ID: f.PaymentID, Data: d, DetailURI: &detail, StatementURI: f.statementURI()}
}

// consentAccountData is consent_requested's target_data: as Stone's, the payment account the
// holder granted (with the consent's id and scopes beside it).
func consentAccountData(f *Facts) Target {
	if f.Consent == nil {
		return fieldsData(f)
	}
	t := consentData(f)
	d := map[string]any{"id": f.AccountID, "account_id": f.AccountID, "consent_id": f.ConsentID,
		"owner_document": orNil(f.Consent.HolderDocument), "created_at": stamp(&f.Consent.CreatedAt), "closed_at": nil,
		"permissions": t.Data["permissions"], "account_code": nil, "branch_code": nil}
	if b := f.BankAccount; b != nil {
		d["account_code"], d["branch_code"] = b.AccountCode, b.BranchCode
	}
	return Target{ID: f.AccountID, Data: d, StatementURI: f.statementURI()}
}

// consentData is the target_data of Ponte's other consent events: the consent itself.
// account_id is null while the holder has not picked an account.
func consentData(f *Facts) Target {
	if f.Consent == nil {
		return fieldsData(f)
	}
	c := f.Consent
	var account any
	if f.AccountID != "" {
		account = f.AccountID
	}
	scopes := []string(c.Scopes)
	if scopes == nil {
		scopes = []string{}
	}
	d := map[string]any{"id": f.ConsentID, "account_id": account, "status": strings.ToUpper(f.Status),
		"permissions": scopes, "created_at": stamp(&c.CreatedAt), "expires_at": stamp(&c.ExpiresAt),
		"decided_at": stamp(c.DecidedAt), "revoked_at": stamp(c.RevokedAt), "revoked_by": orNil(c.RevokedBy),
		"revocation_reason": orNil(c.RevocationReason)}
	return Target{ID: f.ConsentID, Data: d, StatementURI: f.statementURI()}
}

// fieldsData is the target_data of the receivables events, which package webhooks reads into
// Facts.Fields in Stone's names. Expected there (all optional but account_id, which is always
// set from the event):
//
//   - every event: id (the resource's global id: the boleto's, or the statement entry's), amount
//     (centavos), status, created_at;
//   - cash_in_internal_transfer / cash_in_external_transfer / cash_in_payment_refund: description,
//     counterparty {name, document, account_code, branch_code, institution};
//   - cash_in_barcode_payment: barcode_payment_invoice_id, invoice_payer {name, document}, capture;
//   - barcode_payment_invoice_*: invoice_type (bill_of_exchange|proposal|deposit), our_number,
//     barcode, writable_line, expiration_date, limit_date, customer, beneficiary, registered_at,
//     settled_at, expired_at.
//
// target_id is Fields["id"], else the event's id.
func fieldsData(f *Facts) Target {
	d := make(map[string]any, len(f.Fields)+2)
	for k, v := range f.Fields {
		d[k] = v
	}
	d["account_id"] = f.AccountID
	if _, ok := d["status"]; !ok && f.Status != "" {
		d["status"] = strings.ToUpper(f.Status)
	}
	id, _ := d["id"].(string)
	return Target{ID: id, Data: d, StatementURI: f.statementURI()}
}
