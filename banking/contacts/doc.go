// Package contacts owns an account's contacts (favorecidos): the payees its tenant pays again and
// again, each a person or company (validated CPF or CNPJ) with the bank accounts it is paid at.
// A bank account is at an STR participant, under the same rules as a TED target (it asks
// payments.CheckBankAccount and payments.CheckBeneficiary, which own them), or at Ponte itself: a
// Ponte payee, named by its account code alone and never looked up, so a contact says nothing
// about who holds a code. One contact per document on an account, and each bank account once.
//
// A payment names a payee by one of its bank accounts (Payee) and keeps a copy of the target:
// nothing here is read again by a payment that exists. Every change is an event in the one log
// (contact_created, contact_updated, contact_deleted), in the transaction of the change.
//
// It never decides who is calling: callers pass what the authorizer (package auth) allowed. It
// never imports graph/ or resolvers/.
package contacts
