// Package payroll owns the Treasury's salary runs (folha de pagamento, DOMAIN.md §6.10): a
// payroll read from lines or from a spreadsheet (.xlsx or .csv with Stone's columns Nome, CPF,
// Conta, Salário), validated whole before anything is stored (every CPF's check digits, every
// target an APPROVED Ponte account held by that CPF, every amount positive, the total within the
// balance and the limits), then run as one durable job that pays each salary as an internal
// transfer under its own idempotency key.
//
// Each salary is a payment of kind PAYROLL of package payments, created and executed through
// that package (CreateSalariesTx, ExecuteSalariesTx): its statuses move only through payments'
// state machine and it posts only through the ledger. This package keeps the payroll's own row,
// its status (CREATED, SCHEDULED, PROCESSING, FINISHED, PARTIALLY_FAILED, CANCELLED) and its
// events (payroll_created, payroll_processing, payroll_finished, payroll_partially_failed,
// payroll_cancelled) in the one event log.
//
// It never decides who is calling: package auth grants a payroll only on the tenant's own
// account (auth.Authorizer.RunPayroll). It never imports graph/ or resolvers/.
package payroll
