package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// ErrNotInTransaction is returned by InsertTx for a *gorm.DB that is not inside a transaction: a
// job must commit or roll back with the change that causes it.
var ErrNotInTransaction = errors.New("jobs: InsertTx needs a *gorm.DB inside a transaction (db.Transaction or db.Begin)")

// InsertTx inserts a job for args in tx, a gorm transaction: the job becomes visible to workers
// (and their insert notification is sent) only when tx commits, and vanishes if tx rolls back. opts
// may be nil. The kind of args must have a registered worker.
//
// An error leaves tx in an unknown state: roll it back (returning the error from a
// db.Transaction callback does).
func (j *Jobs) InsertTx(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error {
	sqlTx, err := sqlTxOf(tx)
	if err != nil {
		return err
	}
	if _, err := j.inserter.InsertTx(ctx, sqlTx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// sqlTxOf is the *sql.Tx under a gorm transaction, plain or in prepared-statement mode.
func sqlTxOf(db *gorm.DB) (*sql.Tx, error) {
	if db == nil || db.Statement == nil {
		return nil, ErrNotInTransaction
	}
	switch pool := db.Statement.ConnPool.(type) {
	case *sql.Tx:
		return pool, nil
	case *gorm.PreparedStmtTX:
		if tx, ok := pool.Tx.(*sql.Tx); ok {
			return tx, nil
		}
	}
	return nil, ErrNotInTransaction
}
