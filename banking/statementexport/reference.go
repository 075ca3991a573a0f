package statementexport

import "github.com/ponte-bff/ponte/banking/ledger"

// Reference is an entry's stable reference, the one every export shows: the OFX FITID, the CSV
// id and GraphQL's StatementEntry.reference. It is the ledger entry's id, which never changes once
// the entry is written, so an accountant who imports the same period twice (OFX, CSV or through
// the API) gets each entry once, and can match a line of one with a line of another.
func Reference(e ledger.Entry) string { return e.ID.String() }
