package payroll

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Line is one salary given inline (GraphQL PayrollLineInput).
type Line struct {
	Name, Document, AccountCode string
	Amount                      money.Cents
}

// Input is a payroll to create: exactly one of Lines or File.
type Input struct {
	AccountID      uuid.UUID
	Lines          []Line
	File           *File
	ScheduledFor   *brazil.Date
	Description    *string
	IdempotencyKey string
}

// Create validates a payroll whole and, only if every line is good, stores it with one PAYROLL
// payment per line, its payroll_created event and its run job, in one transaction: CREATED to run
// now, or SCHEDULED for a later day. g must rest on ownership (auth.Authorizer.RunPayroll).
// The same idempotency key with the same request returns the payroll already created.
// Errors: field errors at each bad line and column (INVALID, REQUIRED, INVALID_DOCUMENT; see
// lineErrors), INVALID/REQUIRED on lines or file (neither, both, unreadable, empty, more than
// MaxLines), INVALID/OUTSIDE_WINDOW on scheduledFor, ACCOUNT_NOT_APPROVED, INSUFFICIENT_FUNDS and
// LIMIT_EXCEEDED on the total (a payroll that runs today), IDEMPOTENCY_KEY_REUSED.
func (s *Service) Create(ctx context.Context, g auth.Grant, in Input) (*models.Payroll, error) {
	if !g.Owned() {
		return nil, apperr.E(apperr.Forbidden, "a payroll runs only on the tenant's own account")
	}
	var errs apperr.List
	desc := in.Description
	if desc != nil {
		d := strings.TrimSpace(*desc)
		switch {
		case utf8.RuneCountInString(d) > ledger.MaxDescription:
			errs = append(errs, apperr.Field(apperr.Invalid, []string{"description"}, "description must have at most %d characters", ledger.MaxDescription))
		case d == "":
			desc = nil
		default:
			desc = &d
		}
	}
	switch n := utf8.RuneCountInString(in.IdempotencyKey); {
	case n == 0:
		errs = append(errs, apperr.Field(apperr.Required, []string{"idempotencyKey"}, "idempotencyKey is required"))
	case n > ledger.MaxKeyLength:
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"idempotencyKey"}, "idempotencyKey must have at most %d characters", ledger.MaxKeyLength))
	}
	plan, err := s.payments.SalaryPlan(in.ScheduledFor)
	if err != nil {
		e, ok := apperr.As(err)
		if !ok {
			return nil, err
		}
		errs = append(errs, e)
	}
	rows, fromFile, err := rowsOfInput(in)
	if err != nil {
		list := asList(err)
		if list == nil {
			return nil, err
		}
		return nil, append(errs, list...).OrNil()
	}
	salaries, err := s.checkLines(ctx, in.AccountID, rows, fromFile)
	if err != nil {
		if _, ok := apperr.As(err); !ok {
			return nil, err
		}
		errs = append(errs, asList(err)...)
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	fee := s.payments.Fee(payments.KindPayroll)
	amount, fees := total(salaries, fee)
	p := &models.Payroll{TenantID: *g.TenantID, AccountID: in.AccountID, Status: string(StatusCreated), AmountCents: int64(amount),
		FeeCents: int64(fees), LineCount: len(salaries), Description: desc, RunOn: plan.Date.Time(), IdempotencyKey: in.IdempotencyKey,
		RequestHash: requestHash(in.AccountID, in.ScheduledFor, desc, salaries), CreatedBy: g.Actor}
	if plan.Status != payments.StatusApproved {
		p.Status = string(StatusScheduled)
	}
	if in.ScheduledFor != nil {
		t := in.ScheduledFor.Time()
		p.ScheduledFor = &t
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var existing models.Payroll
		err := tx.Where("tenant_id = ? AND idempotency_key = ?", p.TenantID, p.IdempotencyKey).Take(&existing).Error
		switch {
		case err == nil:
			if string(existing.RequestHash) != string(p.RequestHash) {
				return apperr.Field(apperr.IdempotencyKeyReused, []string{"idempotencyKey"}, "this idempotencyKey was used for a different payroll")
			}
			*p = existing
			return nil
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		if err := accounts.CheckCanPay(tx, p.AccountID); err != nil {
			return err
		}
		if Status(p.Status) == StatusCreated { // what runs today must fit the balance and limits now
			if err := s.ledger.CheckCashOutTx(ctx, tx, p.AccountID, amount, fees); err != nil {
				if e, ok := apperr.As(err); ok && e.Code != apperr.Internal {
					return apperr.Field(e.Code, totalField(fromFile), "the payroll's total, %s with %s of fees: %s", amount, fees, e.Message)
				}
				return err
			}
		}
		now := s.payments.Now()
		p.ID, p.CreatedAt, p.UpdatedAt = uuid.New(), now, now
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		ps, err := s.payments.CreateSalariesTx(ctx, tx, g, p.AccountID, p.ID, plan, desc, in.ScheduledFor, salaries)
		if err != nil {
			return err
		}
		links := make([]models.PayrollSalary, len(ps))
		for i, pay := range ps {
			links[i] = models.PayrollSalary{PayrollID: p.ID, Line: salaries[i].Line, PaymentID: pay.ID}
		}
		if err := tx.CreateInBatches(links, 1000).Error; err != nil {
			return err
		}
		if err := s.record(ctx, tx, p, "", EventCreated, g.Actor, nil); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, p)
	})
	if isUniqueViolation(err) { // a concurrent request with the same key won
		return s.Create(ctx, g, in)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// rowsOfInput is the payroll's rows from exactly one of lines and file.
func rowsOfInput(in Input) ([]row, bool, error) {
	switch {
	case in.File != nil && in.Lines != nil:
		return nil, false, apperr.Field(apperr.Invalid, []string{"lines"}, "give exactly one of lines or file, not both")
	case in.File != nil:
		rows, err := readFile(*in.File)
		return rows, true, err
	case len(in.Lines) == 0:
		return nil, false, apperr.Field(apperr.Required, []string{"lines"}, "give the salaries as lines or as a file")
	case len(in.Lines) > MaxLines:
		return nil, false, apperr.Field(apperr.Invalid, []string{"lines"}, "a payroll pays at most %d salaries", MaxLines)
	}
	rows := make([]row, len(in.Lines))
	for i, l := range in.Lines {
		rows[i] = row{Number: i + 1, Name: l.Name, Document: l.Document, AccountCode: l.AccountCode, Amount: l.Amount}
	}
	return rows, false, nil
}

func totalField(fromFile bool) []string {
	if fromFile {
		return []string{"file"}
	}
	return []string{"lines"}
}

func asList(err error) apperr.List {
	var list apperr.List
	if errors.As(err, &list) {
		return list
	}
	if e, ok := apperr.As(err); ok {
		return apperr.List{e}
	}
	return nil
}

// requestHash fingerprints what the caller asked, so a reused key with another payroll is caught.
func requestHash(account uuid.UUID, scheduled *brazil.Date, desc *string, salaries []payments.Salary) []byte {
	type line struct {
		Line   int
		To     uuid.UUID
		Amount money.Cents
	}
	lines := make([]line, len(salaries))
	for i, sal := range salaries {
		lines[i] = line{sal.Line, sal.To.ID, sal.Amount}
	}
	b, _ := json.Marshal(struct {
		Account   uuid.UUID
		Scheduled *brazil.Date
		Desc      *string
		Lines     []line
	}{account, scheduled, desc, lines})
	h := sha256.Sum256(b)
	return h[:]
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "payrolls_idempotency"
}

// record appends a payroll event in tx.
func (s *Service) record(ctx context.Context, tx *gorm.DB, p *models.Payroll, from Status, name, actor string, reason *string) error {
	ev := &events.Event{Name: name, Topic: events.TopicPayroll, TenantID: &p.TenantID, AccountID: &p.AccountID, PayrollID: &p.ID,
		ToStatus: p.Status, Actor: actor, Reason: reason, OccurredAt: s.payments.Now()}
	if from != "" {
		f := string(from)
		ev.FromStatus = &f
	}
	return events.Record(ctx, tx, ev)
}
