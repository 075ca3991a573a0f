package payments

import (
	"context"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/models"
)

// Count is how many payments List returns over all its pages: a connection's totalCount.
func (s *Service) Count(ctx context.Context, accountID uuid.UUID, statuses []Status) (int, error) {
	q := s.db.WithContext(ctx).Model(&models.Payment{}).Where("account_id = ?", accountID)
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	var n int64
	err := q.Count(&n).Error
	return int(n), err
}
