// Package accounts owns account opening and KYC: who may hold an account (validated CPF or CNPJ,
// one account per document, never again after a BLOCK), the status machine of a KYC review, and
// the payment account that approval creates. Each public method is one database transaction.
//
// Other domain packages that need an account (payments: the payer, an internal transfer's
// target, a receipt's payer) read it through the lookups in lookup.go. It never decides who is
// calling: callers pass what the authorizer (package auth) allowed, and a list takes the
// authorizer's visibility scope. It never imports graph/ or resolvers/.
package accounts
