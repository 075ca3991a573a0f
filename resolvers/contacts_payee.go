package resolvers

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/contacts"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
)

// A transfer names its payee by a contact's bank account (contactBankAccountId) or spells the
// target out; either way the payments package gets a target it validates and copies into the
// payment, so a later edit of the contact never reaches the payment. With saveAsContact the
// target joins the paying account's contacts once the payment is created. Both run after the
// authorizer allowed the cash-out (createPayment); saving needs contacts:manage too, asked
// before anything is created.

// internalTransferPayee is the account code createInternalTransfer pays, the contact's bank account
// it was named by (if so), and the payee to save.
func (r *Resolver) internalTransferPayee(ctx context.Context, accountID uuid.UUID, in model.CreateInternalTransferInput) (string, *uuid.UUID, *contacts.Payee, error) {
	if err := r.mayAddContact(ctx, accountID, in.SaveAsContact); err != nil {
		return "", nil, nil, err
	}
	if in.ContactBankAccountID != nil {
		if in.TargetAccountCode != nil {
			return "", nil, nil, apperr.Field(apperr.Invalid, []string{"contactBankAccountId"}, "give targetAccountCode or contactBankAccountId, not both")
		}
		id, err := contactBankAccountKey(*in.ContactBankAccountID)
		if err != nil {
			return "", nil, nil, err
		}
		code, err := r.ContactService.InternalTargetCode(ctx, accountID, id)
		return code, &id, nil, err // a contact's bank account is a contact already
	}
	if in.TargetAccountCode == nil {
		return "", nil, nil, apperr.Field(apperr.Required, []string{"targetAccountCode"}, "give targetAccountCode or contactBankAccountId")
	}
	if in.SaveAsContact == nil || !*in.SaveAsContact {
		return *in.TargetAccountCode, nil, nil, nil
	}
	// Ponte never says who holds a code before the transfer has run: the payer names the payee.
	d := contacts.Details{}
	if in.ContactName != nil {
		d.Name = *in.ContactName
	}
	if in.ContactDocument != nil {
		d.Document = *in.ContactDocument
	}
	if err := contacts.CheckDetails(d); err != nil {
		return "", nil, nil, renameFields(err, map[string]string{"name": "contactName", "document": "contactDocument"})
	}
	return *in.TargetAccountCode, nil, &contacts.Payee{Details: d, BankAccount: contacts.BankAccountInput{AccountCode: *in.TargetAccountCode}}, nil
}

// tedPayee is the target createTedTransfer pays, the contact's bank account it was named by (if
// so), and the payee to save.
func (r *Resolver) tedPayee(ctx context.Context, accountID uuid.UUID, in model.CreateTedTransferInput) (payments.TEDTarget, *uuid.UUID, *contacts.Payee, error) {
	if err := r.mayAddContact(ctx, accountID, in.SaveAsContact); err != nil {
		return payments.TEDTarget{}, nil, nil, err
	}
	if in.ContactBankAccountID != nil {
		if in.Target != nil {
			return payments.TEDTarget{}, nil, nil, apperr.Field(apperr.Invalid, []string{"contactBankAccountId"}, "give target or contactBankAccountId, not both")
		}
		id, err := contactBankAccountKey(*in.ContactBankAccountID)
		if err != nil {
			return payments.TEDTarget{}, nil, nil, err
		}
		t, err := r.ContactService.TEDTarget(ctx, accountID, id)
		return t, &id, nil, err
	}
	if in.Target == nil {
		return payments.TEDTarget{}, nil, nil, apperr.Field(apperr.Required, []string{"target"}, "give target or contactBankAccountId")
	}
	t := in.Target
	target := payments.TEDTarget{AccountCode: t.AccountCode, Name: t.Name, Document: t.Document}
	for dst, src := range map[*string]*string{&target.BankCode: t.BankCode, &target.ISPB: t.Ispb, &target.BranchCode: t.BranchCode} {
		if src != nil {
			*dst = *src
		}
	}
	if t.AccountType != nil {
		target.AccountType = string(*t.AccountType)
	}
	if in.SaveAsContact == nil || !*in.SaveAsContact {
		return target, nil, nil, nil
	}
	return target, nil, &contacts.Payee{Details: contacts.Details{Name: target.Name, Document: target.Document},
		BankAccount: contacts.BankAccountInput{BankCode: target.BankCode, ISPB: target.ISPB, BranchCode: target.BranchCode,
			AccountCode: target.AccountCode, AccountType: target.AccountType}}, nil
}

// mayAddContact authorizes saveAsContact: contacts:manage on the paying account.
func (r *Resolver) mayAddContact(ctx context.Context, accountID uuid.UUID, save *bool) error {
	if save == nil || !*save {
		return nil
	}
	_, err := r.Authz.Account(ctx, auth.ActionManageContacts, accountID)
	return err
}

// savePayee saves the payee of a created payment p as a contact of its account (nothing when
// save is nil or creating failed). Saving is idempotent, so a retry under the payment's
// idempotency key saves what a failure here left unsaved.
func (r *Resolver) savePayee(ctx context.Context, save *contacts.Payee, p *models.Payment, err error) (*models.Payment, error) {
	if err != nil || save == nil {
		return p, err
	}
	c, err := r.Authz.Caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := r.ContactService.SavePayee(ctx, changedBy(c), p.AccountID, *save); err != nil {
		return nil, err
	}
	return p, nil
}

func contactBankAccountKey(id string) (uuid.UUID, error) {
	key, ok := globalid.DecodeAs(id, globalid.ContactBank)
	if !ok {
		return uuid.Nil, apperr.Field(apperr.Invalid, []string{"contactBankAccountId"}, "%q is not a ContactBankAccount ID", id)
	}
	return key, nil
}

// renameFields renames the first element of each field error's path by names.
func renameFields(err error, names map[string]string) error {
	var list apperr.List
	e, ok := err.(apperr.List)
	if !ok {
		return err
	}
	for _, fe := range e {
		c := *fe
		if len(c.Field) > 0 && names[c.Field[0]] != "" {
			c.Field = append([]string{names[c.Field[0]]}, c.Field[1:]...)
		}
		list = append(list, &c)
	}
	return list
}
