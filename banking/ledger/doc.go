// Package ledger owns Ponte's money: a double-entry ledger in PostgreSQL where every movement is
// one transaction of postings that sum to zero across ledger accounts (each customer account, the
// bank's settlement account for money entering or leaving the institution, fee income).
//
// It owns, each in one database transaction with the postings: the balances (available, blocked,
// scheduled) and their guard against overdraft, the daily and monthly movement limits read from
// the account's limit plan, and the idempotency of every movement per (tenant, key). It serves
// statements (keyset pages, newest first, and an oldest-first stream for exports), limit usage and
// a consistency check (Verify) that recomputes every balance from the entries.
//
// Every entry on a customer account appends, in the same transaction and one INSERT, one
// statement_entry event to the one event log (package events): its Stone cash-in name for money
// coming in (EntryEventName), statement_entry_added for the rest. Subscriptions and webhooks read
// those; who may see one is auth's to say when it is read.
//
// It never updates or deletes an entry (a correction is a new, opposite transaction), never uses
// floating point, never decides who is calling (callers pass what the authorizer allowed) and
// never changes an account, its KYC status or its limit plan: package accounts owns those, and
// the ledger reads them only through the queries accounts exports (MovementFacts, IDs), joined
// into its own statements. It never imports graph/ or resolvers/.
//
// A movement is written in a transaction of its own (Post) or inside the caller's (PostTx, under
// a savepoint), so that an operation another package owns, such as a payment, changes state in
// the same commit as the money it moves; a refused movement writes nothing either way.
//
// Locking: a movement first claims its idempotency key, then locks the ledger accounts it touches
// with SELECT ... FOR NO KEY UPDATE, customers before the bank's accounts, each group in id order.
// Every writer takes locks in that one order, so two movements can wait for each other but
// never deadlock. A PostTx caller may lock its own rows first (the payment), never a ledger
// account.
package ledger
