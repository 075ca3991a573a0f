package resolvers

import (
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/contacts"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
)

func contactOut(c *models.Contact) *model.Contact {
	out := &model.Contact{ID: globalid.Encode(globalid.Contact, c.ID), Name: c.Name, Document: c.Document,
		DocumentType: model.DocumentType(c.DocumentType), Email: c.Email, MobileNumber: c.MobileNumber,
		BankAccounts: make([]*model.ContactBankAccount, len(c.BankAccounts)), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	for i := range c.BankAccounts {
		out.BankAccounts[i] = contactBankAccountOut(&c.BankAccounts[i])
	}
	return out
}

func contactBankAccountOut(b *models.ContactBankAccount) *model.ContactBankAccount {
	out := &model.ContactBankAccount{ID: globalid.Encode(globalid.ContactBank, b.ID), AccountCode: b.AccountCode,
		BranchCode: b.BranchCode, IsPonte: contacts.IsPonte(b),
		Institution: &model.Institution{Name: b.BankName, Ispb: b.ISPB}}
	if b.BankCode != nil {
		out.Institution.Code = *b.BankCode
	}
	if b.AccountType != nil {
		out.AccountType = ptr(model.BankAccountType(*b.AccountType))
	}
	return out
}

func contactBankAccountIn(in *model.ContactBankAccountInput) contacts.BankAccountInput {
	out := contacts.BankAccountInput{AccountCode: in.AccountCode}
	for dst, src := range map[*string]*string{&out.BankCode: in.BankCode, &out.ISPB: in.Ispb, &out.BranchCode: in.BranchCode} {
		if src != nil {
			*dst = *src
		}
	}
	if in.AccountType != nil {
		out.AccountType = string(*in.AccountType)
	}
	return out
}

// changedBy is who changes a contact, for the event log.
func changedBy(c *auth.Caller) contacts.By {
	by := contacts.By{Actor: c.Actor()}
	if c.Tenant != nil {
		by.TenantID = &c.Tenant.ID
	}
	return by
}
