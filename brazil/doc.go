// Package brazil holds the Brazilian rules Ponte applies to user input:
// identity documents (CPF, CNPJ incl. alphanumeric), mobile phone numbers,
// boleto and arrecadação barcodes (FEBRABAN), the national banking calendar
// and the Central Bank's list of STR participants (embedded banks.csv).
//
// The package is pure: every function is deterministic and works only on
// its arguments. It must never do I/O, touch a database, read the clock or
// call the network, so that the rules can be tested exhaustively against
// fixed vectors and reused by any layer (resolvers, workers, migrations)
// without dragging dependencies along. Lookups that need live data, such as
// "is this CPF regular at Receita Federal", belong elsewhere.
package brazil
