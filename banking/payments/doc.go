// Package payments owns cash-out: internal transfers, TEDs and barcode payments (boletos and
// arrecadação), their fees, their status machine (Stone's vocabulary), the holder's approval of
// every cash-out on a third-party account, scheduling on the Brazilian banking calendar, and the
// execution that posts to the ledger and finishes the payment in one transaction (for an instant
// internal transfer, the transaction that creates it). A payment is
// stored with its first status; every later change goes through one function (move) that
// enforces the machine. Every status, the first included, appends an event to the one event log
// (package events) in the same transaction, with actor, reason and request id.
//
// It never decides who is calling: package auth does, and hands it a Grant that says whether the
// payment's account is the tenant's own (no approval) or reached through a consent (the holder
// approves). It reads accounts only through package accounts, and never imports graph/ or
// resolvers/.
package payments
