package models

import (
	"database/sql/driver"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5/pgtype"
)

// Array is a PostgreSQL array column (text[], bigint[], ...) or query argument, read and written by
// pgx's codecs (pgtype). To Go code it is a plain slice; nil is SQL NULL.
type Array[T any] []T

// typeMaps lends pgtype's codec maps: building one registers every type (a few hundred
// allocations), too much for each array read, as every request's tenant has one; a map is not
// safe for concurrent use, so each is lent to one Scan or Value at a time.
var typeMaps = sync.Pool{New: func() any { return pgtype.NewMap() }}

// Scan reads an array column.
func (a *Array[T]) Scan(src any) error {
	if src == nil {
		*a = nil
		return nil
	}
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	var out []T
	if err := m.SQLScanner(&out).Scan(src); err != nil {
		return fmt.Errorf("models: scan %T: %w", src, err)
	}
	*a = out
	return nil
}

// Value is the array in PostgreSQL's text form, which every driver passes on as it is.
func (a Array[T]) Value() (driver.Value, error) {
	if a == nil {
		return nil, nil
	}
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	t, ok := m.TypeForValue([]T(a))
	if !ok {
		return nil, fmt.Errorf("models: no PostgreSQL array type for %T", a)
	}
	buf, err := m.Encode(t.OID, pgtype.TextFormatCode, []T(a), nil)
	if err != nil {
		return nil, fmt.Errorf("models: encode %T: %w", a, err)
	}
	return string(buf), nil
}
