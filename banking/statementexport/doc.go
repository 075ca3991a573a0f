// Package statementexport writes an account's statement in the formats accounting software
// imports: OFX 1.0.2 (SGML, Windows-1252, as Brazilian banks export it and Brazilian ERPs import
// it) and CSV (RFC 4180). Writers stream: Export feeds them one entry at a time from
// ledger.Service.EachEntry, so an export of any size holds one entry in memory.
//
// It never reads the database itself, never decides who may export (the HTTP handler authorizes
// STATEMENT_READ first) and never changes an entry: it only formats what the ledger gives.
package statementexport
