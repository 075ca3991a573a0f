package ledger

import (
	"context"
	"fmt"
	"strings"
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

// limitCheck is a movement's cash-outs, to be consumed against their accounts' daily and monthly
// limits by the statement that writes the movement (posting.write): each cash-out is added to its
// account's usage of the day, and the movement is written only when every account stays within
// both limits. One statement while the ledger accounts are locked, so two cash-outs of one
// account cannot both pass on the same remaining limit, and the lock is held one round trip less.
// The day is the São Paulo day of the movement.
type limitCheck struct {
	day, month string // the movement's day, and the first day of its month
	outs       []cashOut
	parties    map[uuid.UUID]*party
}

// limitsOf is m's limit check at its time at. Errors: LIMIT_EXCEEDED when a cash-out's account
// has no limit plan (its limits are R$0.00), before anything is written.
func limitsOf(m *Movement, parties map[uuid.UUID]*party, at time.Time) (limitCheck, error) {
	l := limitCheck{day: civilDay(at), month: monthStart(at), outs: cashOuts(m), parties: parties}
	for _, c := range l.outs {
		if p := parties[c.AccountID]; p.DailyCents == nil || p.MonthlyCents == nil {
			return l, apperr.Field(apperr.LimitExceeded, []string{"amount"}, "the account has no limit plan, so its limits are R$0.00")
		}
	}
	return l, nil
}

// refusal is LIMIT_EXCEEDED for the first cash-out, in posting order, whose account's usage with
// it (used, from the writing statement) goes beyond its daily or its monthly limit; nil when none
// does. A movement refused by its limits has written nothing, not even its usage.
func (l limitCheck) refusal(used map[uuid.UUID]usage) error {
	for _, c := range l.outs {
		p, u := l.parties[c.AccountID], used[c.AccountID]
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

// sql is the head of the writing statement: the CTEs that read each cash-out's usage with it
// (cur: its day's and its month's, the movement included) and say whether the movement may be
// written (ok: one row when every account stays within its limits, none otherwise); consume adds
// each cash-out to its day behind the statement's gate. A movement refused by its limits writes
// nothing. The usage is read, not locked: every cash-out of
// an account holds its ledger account's lock (lockAccounts) while it reads and adds, so two of
// them never pass on the same remaining limit. Without cash-outs ok is always one row.
func (l limitCheck) sql(q *strings.Builder, args []any) []any {
	if len(l.outs) == 0 {
		q.WriteString("WITH ok AS (SELECT 1 AS ok),\n")
		return args
	}
	q.WriteString(`WITH cur AS (SELECT c.account_id, c.amount, c.daily_limit, c.monthly_limit,
		c.amount + COALESCE((SELECT SUM(u.used_cents) FROM limit_usage u WHERE u.account_id = c.account_id AND u.day = ?::date), 0) AS daily,
		c.amount + COALESCE((SELECT SUM(u.used_cents) FROM limit_usage u
			WHERE u.account_id = c.account_id AND u.day >= ?::date AND u.day <= ?::date), 0) AS monthly
		FROM (VALUES `)
	args = append(args, l.day, l.month, l.day)
	for i, c := range l.outs {
		if i > 0 {
			q.WriteString(", ")
		}
		p := l.parties[c.AccountID]
		q.WriteString("(?::uuid, ?::bigint, ?::bigint, ?::bigint)")
		args = append(args, c.AccountID, int64(c.Amount), *p.DailyCents, *p.MonthlyCents)
	}
	q.WriteString(`) AS c (account_id, amount, daily_limit, monthly_limit)),
	ok AS (SELECT 1 AS ok WHERE NOT EXISTS (SELECT 1 FROM cur WHERE daily > daily_limit OR monthly > monthly_limit)),
`)
	return args
}

// consume is the CTE that adds each cash-out to its account's day once the statement's gate
// lets the movement through.
func (l limitCheck) consume(q *strings.Builder, args []any) []any {
	if len(l.outs) == 0 {
		return args
	}
	q.WriteString(`day AS (INSERT INTO limit_usage (account_id, day, used_cents) SELECT account_id, ?::date, amount FROM cur CROSS JOIN gate
		ON CONFLICT (account_id, day) DO UPDATE SET used_cents = limit_usage.used_cents + EXCLUDED.used_cents RETURNING account_id),
`)
	return append(args, l.day)
}

// usageSelect is the tail of the writing statement: what it wrote (updated: the balances set;
// written: 1 when the gate let it through; changed: the rows its other updates changed, an SQL
// expression) and each cash-out's usage with it.
func (l limitCheck) usageSelect(changed string) string {
	counts := "(SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM gate) AS written, " + changed + " AS changed"
	if len(l.outs) == 0 {
		return "SELECT NULL::uuid AS account_id, 0::bigint AS daily, 0::bigint AS monthly, " + counts
	}
	return "SELECT u.account_id, u.daily, u.monthly, " + counts + " FROM cur u"
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
