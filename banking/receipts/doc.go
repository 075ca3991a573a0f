// Package receipts makes the proof of a finished payment, the comprovante a customer keeps, shows
// an accountant or sends to the beneficiary: an internal transfer, a TED, a boleto payment or an
// arrecadação (utility or tax) payment. It holds the receipt as data (Receipt), its authentication
// code (an HMAC-SHA256 of the payment id, the ledger transaction id and the finished time under a
// secret key, so Ponte can later confirm that a receipt someone shows it is one it issued) and
// renders it as a one-page A4 PDF in Portuguese.
//
// It only formats what it is given: it never reads the database, the clock or the network, never
// decides who may see a receipt (the caller authorizes first) and never changes a payment. It
// never imports graph/ or resolvers/.
//
// The PDF embeds the Go fonts (golang.org/x/image/font/gofont, © Bigelow & Holmes, BSD-3-Clause
// like Go itself): a product that ships these PDFs must reproduce that notice in its
// documentation or about page.
package receipts
