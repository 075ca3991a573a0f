// Package boletos owns receivables: the boletos an account issues (Stone's cobrança, proposta and
// depósito), their rules, their real FEBRABAN code (bank 197, our number, barcode and typed
// line), the amount due on a day (discounts, fine and daily interest), their status machine
// (CREATED → REGISTERED → SETTLED; EXPIRED; CANCELLATION_REQUESTED → CANCELLED) and their
// settlement: paid from another Ponte account through payments' payBarcode (payments asks it
// through the payments.Receivables interface, and the payer's debit and the beneficiary's credit
// are one ledger transaction), or paid at another bank (the sandbox's SandboxPay), credited on
// the next business day as the interbank clearing does. Every status, the first included,
// appends an event to the one event log in the same transaction.
//
// It never decides who is calling: package auth does (a boleto is judged by its account). It
// never imports graph/ or resolvers/.
package boletos
