// Package payments owns cash-out: internal transfers, TEDs and barcode payments (boletos and
// arrecadação), their fees, their status machine (Stone's vocabulary), the holder's approval of
// every cash-out on a third-party account, scheduling on the Brazilian banking calendar, and the
// execution that posts to the ledger. Every status change writes a payment event in the same
// transaction.
//
// It never decides who is calling (package auth does) and never imports graph/ or resolvers/.
package payments
