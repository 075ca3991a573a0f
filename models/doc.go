// Package models holds the gorm models: one struct per table, with its table name. Data only:
// no behaviour that needs a database, no business rules (those live in the domain packages).
package models
