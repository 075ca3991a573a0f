// Package migrations holds Ponte's versioned SQL migrations, embedded in the binary and applied
// by goose. Files are never edited once merged: a change is a new file.
package migrations

import "embed"

// FS holds the *.sql migration files.
//
//go:embed *.sql
var FS embed.FS
