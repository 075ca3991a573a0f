package ledger

import (
	"context"

	"github.com/google/uuid"
)

// CountStatement is how many entries Statement returns for an account over all its pages with
// the filter f: a connection's totalCount. Errors: as Statement's filter.
func (s *Service) CountStatement(ctx context.Context, accountID uuid.UUID, f StatementFilter) (int, error) {
	cond, args, err := f.where()
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.WithContext(ctx).Raw(`SELECT count(*) FROM ledger_accounts lx
		JOIN ledger_entries e ON e.ledger_account_id = lx.id WHERE lx.account_id = ?`+cond,
		append([]any{accountID}, args...)...).Scan(&n).Error
	return int(n), err
}
