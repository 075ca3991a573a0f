package payroll

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// Get returns one payroll. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Payroll, error) {
	var p models.Payroll
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no payroll with this id")
	}
	return &p, err
}

// Page is one page of an account's payrolls, newest first.
type Page struct {
	Payrolls []*models.Payroll
	HasNext  bool
}

// CursorOf is the keyset cursor just after p.
func CursorOf(p *models.Payroll) paging.Cursor { return paging.Cursor{At: p.CreatedAt, ID: p.ID} }

// Summary counts a payroll's salaries by outcome (Stone's summary): FINISHED, FAILED, REFUNDED,
// and still waiting to run (scheduled: APPROVED, SCHEDULED or DELAYED).
type Summary struct{ Finished, Failed, Refunded, Scheduled int }

// Summaries returns the summary of each payroll of ids, in one query.
func (s *Service) Summaries(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]Summary, error) {
	return salaryCounts(s.db.WithContext(ctx), ids)
}

func salaryCounts(db *gorm.DB, ids []uuid.UUID) (map[uuid.UUID]Summary, error) {
	var rows []struct {
		PayrollID uuid.UUID
		Status    string
		N         int
	}
	if err := db.Raw(`SELECT ps.payroll_id, p.status, count(*) AS n FROM payroll_salaries ps JOIN payments p ON p.id = ps.payment_id
		WHERE ps.payroll_id IN ? GROUP BY ps.payroll_id, p.status`, ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Summary, len(ids))
	for _, r := range rows {
		sum := out[r.PayrollID]
		switch r.Status {
		case "FINISHED":
			sum.Finished += r.N
		case "FAILED":
			sum.Failed += r.N
		case "REFUNDED":
			sum.Refunded += r.N
		case "APPROVED", "SCHEDULED", "DELAYED_TO_NEXT_BUSINESS_DAY":
			sum.Scheduled += r.N
		}
		out[r.PayrollID] = sum
	}
	return out, nil
}

// SalaryPage is one page of a payroll's salaries, in line order.
type SalaryPage struct {
	Payments []*models.Payment
	Lines    []int
	HasNext  bool
}

// SalaryCursor is the cursor just after a salary: its line (carried as the cursor's instant, in
// microseconds since the epoch) and its payment.
func SalaryCursor(line int, paymentID uuid.UUID) paging.Cursor {
	return paging.Cursor{At: time.UnixMicro(int64(line)).UTC(), ID: paymentID}
}

// Salaries returns a page of a payroll's salaries (payments of kind PAYROLL), in line order.
func (s *Service) Salaries(ctx context.Context, payrollID uuid.UUID, p paging.Page) (*SalaryPage, error) {
	after := 0
	if p.After != nil {
		after = int(p.After.At.UnixMicro())
	}
	var links []models.PayrollSalary
	if err := s.db.WithContext(ctx).Where("payroll_id = ? AND line > ?", payrollID, after).Order("line").
		Limit(p.First + 1).Find(&links).Error; err != nil {
		return nil, err
	}
	out := &SalaryPage{}
	if len(links) > p.First {
		links, out.HasNext = links[:p.First], true
	}
	ids := make([]uuid.UUID, len(links))
	for i, l := range links {
		ids[i] = l.PaymentID
	}
	var ps []*models.Payment
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&ps).Error; err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]*models.Payment, len(ps))
	for _, pay := range ps {
		byID[pay.ID] = pay
	}
	for _, l := range links {
		out.Payments, out.Lines = append(out.Payments, byID[l.PaymentID]), append(out.Lines, l.Line)
	}
	return out, nil
}

// ListMany is List for many accounts at once (the payrolls of a page of accounts), with the same
// page for each: one query, a LATERAL walk of payrolls_account_page per account. Every id gets a
// page.
func (s *Service) ListMany(ctx context.Context, accountIDs []uuid.UUID, p paging.Page) (map[uuid.UUID]*Page, error) {
	pages, err := paging.PerAccount(ctx, s.db, "payrolls", "", nil, accountIDs, p, func(r *models.Payroll) uuid.UUID { return r.AccountID })
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*Page, len(pages))
	for id, pg := range pages {
		out[id] = &Page{Payrolls: pg.Rows, HasNext: pg.HasNext}
	}
	return out, nil
}
