package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// cashOut is what one movement takes out of one account, for its limits.
type cashOut struct {
	AccountID uuid.UUID
	Amount    money.Cents
}

// cashOuts sums the movement's cash-out debits per customer account, in posting order.
func cashOuts(m *Movement) []cashOut {
	var out []cashOut
	idx := map[uuid.UUID]int{}
	for _, p := range m.Postings {
		if !p.CashOut {
			continue
		}
		i, ok := idx[p.AccountID]
		if !ok {
			i = len(out)
			idx[p.AccountID] = i
			out = append(out, cashOut{AccountID: p.AccountID})
		}
		out[i].Amount += -p.Amount
	}
	return out
}

// usageSQL reads one account's cash-out on a day and in that day's month.
const usageSQL = `SELECT COALESCE(SUM(used_cents) FILTER (WHERE day = ?::date), 0) AS daily,
       COALESCE(SUM(used_cents), 0) AS monthly
  FROM limit_usage WHERE account_id = ? AND day BETWEEN ?::date AND ?::date`

type usage struct{ Daily, Monthly int64 }

func readUsage(db *gorm.DB, accountID uuid.UUID, at time.Time) (usage, error) {
	day := civilDay(at)
	var u usage
	err := db.Raw(usageSQL, day, accountID, monthStart(at), day).Scan(&u).Error
	return u, err
}

// consumeSQL adds a cash-out to its day and returns the day's and the month's usage with it.
// The month's other days are read separately: a statement does not see its own upsert.
const consumeSQL = `WITH day AS (
	INSERT INTO limit_usage (account_id, day, used_cents) VALUES (?, ?::date, ?)
	ON CONFLICT (account_id, day) DO UPDATE SET used_cents = limit_usage.used_cents + EXCLUDED.used_cents
	RETURNING used_cents)
SELECT (SELECT used_cents FROM day) AS daily,
       (SELECT used_cents FROM day) + COALESCE((SELECT SUM(used_cents) FROM limit_usage
           WHERE account_id = ? AND day >= ?::date AND day < ?::date), 0) AS monthly`

// consumeLimits records each cash-out against its account's daily and monthly limits, and
// refuses the movement if that goes beyond either; the refusal rolls the record back with
// everything else. It runs while the account's ledger account is locked, so two cash-outs of
// one account cannot both pass on the same remaining limit. The day is the São Paulo day of
// the movement.
//
// Errors: LIMIT_EXCEEDED, also when the account has no limit plan (its limits are R$0.00).
func consumeLimits(tx *gorm.DB, m *Movement, parties map[uuid.UUID]*party, at time.Time) error {
	day, month := civilDay(at), monthStart(at)
	for _, c := range cashOuts(m) {
		p := parties[c.AccountID]
		if p.DailyCents == nil || p.MonthlyCents == nil {
			return apperr.Field(apperr.LimitExceeded, []string{"amount"}, "the account has no limit plan, so its limits are R$0.00")
		}
		var u usage
		if err := tx.Raw(consumeSQL, c.AccountID, day, int64(c.Amount), c.AccountID, month, day).Scan(&u).Error; err != nil {
			return fmt.Errorf("ledger: record limit usage: %w", err)
		}
		if u.Daily > *p.DailyCents {
			return apperr.Field(apperr.LimitExceeded, []string{"amount"}, "the daily limit is %s and %s of it is left today",
				money.Cents(*p.DailyCents), money.Cents(max(0, *p.DailyCents-(u.Daily-int64(c.Amount)))))
		}
		if u.Monthly > *p.MonthlyCents {
			return apperr.Field(apperr.LimitExceeded, []string{"amount"}, "the monthly limit is %s and %s of it is left this month",
				money.Cents(*p.MonthlyCents), money.Cents(max(0, *p.MonthlyCents-(u.Monthly-int64(c.Amount)))))
		}
	}
	return nil
}

// Usage is how much of its movement limits an account has used (GraphQL Limits.dailyUsed and
// monthlyUsed), by the São Paulo calendar.
type Usage struct {
	Day         time.Time // São Paulo midnight starting the day DailyUsed covers
	DailyUsed   money.Cents
	MonthlyUsed money.Cents // in the calendar month of Day, Day included
}

// LimitUsage returns the cash-out accountID has used today and this month, "today" being the
// São Paulo day of the service's clock. Errors: NOT_FOUND.
func (s *Service) LimitUsage(ctx context.Context, accountID uuid.UUID) (Usage, error) {
	now := s.clock()
	db := s.db.WithContext(ctx)
	if err := accountExists(db, accountID); err != nil {
		return Usage{}, err
	}
	u, err := readUsage(db, accountID, now)
	if err != nil {
		return Usage{}, fmt.Errorf("ledger: read limit usage: %w", err)
	}
	return Usage{Day: startOfDay(now.In(saoPaulo)), DailyUsed: money.Cents(u.Daily), MonthlyUsed: money.Cents(u.Monthly)}, nil
}

// accountExists answers NOT_FOUND for an account id that does not exist.
func accountExists(db *gorm.DB, accountID uuid.UUID) error {
	var found []int
	if err := db.Raw("SELECT 1 FROM (?) a WHERE a.id = ?", accounts.IDs(db), accountID).Scan(&found).Error; err != nil {
		return fmt.Errorf("ledger: find account: %w", err)
	}
	if len(found) == 0 {
		return apperr.Field(apperr.NotFound, []string{"accountId"}, "no account with this id")
	}
	return nil
}

// LimitUsages is LimitUsage for many accounts in one query (a page of accounts showing their
// limits); accounts without cash-out this month, or missing, have zero usage.
func (s *Service) LimitUsages(ctx context.Context, accountIDs []uuid.UUID) (map[uuid.UUID]Usage, error) {
	now := s.clock()
	day := civilDay(now)
	var rows []struct {
		AccountID      uuid.UUID
		Daily, Monthly int64
	}
	err := s.db.WithContext(ctx).Model(&models.LimitUsage{}).
		Select("account_id, COALESCE(SUM(used_cents) FILTER (WHERE day = ?::date), 0) AS daily, COALESCE(SUM(used_cents), 0) AS monthly", day).
		Where("account_id IN ? AND day BETWEEN ?::date AND ?::date", accountIDs, monthStart(now), day).Group("account_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("ledger: read limit usage: %w", err)
	}
	start := startOfDay(now.In(saoPaulo))
	out := make(map[uuid.UUID]Usage, len(accountIDs))
	for _, id := range accountIDs {
		out[id] = Usage{Day: start}
	}
	for _, r := range rows {
		out[r.AccountID] = Usage{Day: start, DailyUsed: money.Cents(r.Daily), MonthlyUsed: money.Cents(r.Monthly)}
	}
	return out, nil
}
