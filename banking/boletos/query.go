package boletos

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
	"github.com/ponte-bff/ponte/paging"
)

// Get returns one boleto. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Boleto, error) {
	var b models.Boleto
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no boleto with this id")
	}
	return &b, err
}

// Printable is everything the slip (banking/boletopdf's Slip) prints of a boleto: the stored
// boleto, whose Beneficiary carries the holder and its payment account (bank, branch, account
// code) and whose Customer is the payer with its address, and its instructions in Portuguese.
type Printable struct {
	Boleto       *models.Boleto
	Instructions []string
}

// Find returns a boleto as its slip prints it. The caller has authorized reading the boleto's
// account (auth.Authorizer.Boleto). Errors: NOT_FOUND.
func (s *Service) Find(ctx context.Context, id uuid.UUID) (*Printable, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return &Printable{Boleto: b, Instructions: Instructions(b)}, nil
}

// Filter narrows an account's boletos.
type Filter struct {
	Statuses []Status
	Kind     *Kind
	DueFrom  *brazil.Date
	DueTo    *brazil.Date
}

// Page is one page of an account's boletos, newest first.
type Page struct {
	Boletos []*models.Boleto
	HasNext bool
}

// List returns an account's boletos, newest issued first.
func (s *Service) List(ctx context.Context, accountID uuid.UUID, f Filter, p paging.Page) (*Page, error) {
	q := s.filtered(ctx, accountID, f)
	if p.After != nil {
		q = q.Where("(issued_at, id) < (?, ?)", p.After.At, p.After.ID)
	}
	var rows []*models.Boleto
	if err := q.Order("issued_at DESC, id DESC").Limit(p.First + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := &Page{Boletos: rows}
	if len(rows) > p.First {
		out.Boletos, out.HasNext = rows[:p.First], true
	}
	return out, nil
}

// Count is how many boletos List returns over all its pages: a connection's totalCount.
func (s *Service) Count(ctx context.Context, accountID uuid.UUID, f Filter) (int, error) {
	var n int64
	err := s.filtered(ctx, accountID, f).Model(&models.Boleto{}).Count(&n).Error
	return int(n), err
}

// filtered selects the account's boletos that f lets through.
func (s *Service) filtered(ctx context.Context, accountID uuid.UUID, f Filter) *gorm.DB {
	where, args := f.where("")
	return s.db.WithContext(ctx).Where("account_id = ?"+where, append([]any{accountID}, args...)...)
}

// where is f as conditions on the columns of the table aliased as prefix ("" or "p."), each
// starting with " AND ", and their arguments: one statement of List and of ListMany alike.
func (f Filter) where(prefix string) (string, []any) {
	var where string
	var args []any
	if len(f.Statuses) > 0 {
		where, args = where+" AND "+prefix+"status IN ?", append(args, f.Statuses)
	}
	if f.Kind != nil {
		where, args = where+" AND "+prefix+"kind = ?", append(args, *f.Kind)
	}
	if f.DueFrom != nil {
		where, args = where+" AND "+prefix+"due_date >= ?", append(args, f.DueFrom.Time())
	}
	if f.DueTo != nil {
		where, args = where+" AND "+prefix+"due_date <= ?", append(args, f.DueTo.Time())
	}
	return where, args
}

// ListMany is List for many accounts at once, in one statement (paging.PerAccountBy): the
// boletos of a page of accounts. Every id gets a page.
func (s *Service) ListMany(ctx context.Context, accountIDs []uuid.UUID, f Filter, p paging.Page) (map[uuid.UUID]*Page, error) {
	where, args := f.where("p.")
	pages, err := paging.PerAccountBy(ctx, s.db, "boletos", "issued_at", where, args, accountIDs, p,
		func(b *models.Boleto) uuid.UUID { return b.AccountID })
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*Page, len(pages))
	for id, pg := range pages {
		out[id] = &Page{Boletos: pg.Rows, HasNext: pg.HasNext}
	}
	return out, nil
}

// CursorOf is the paging cursor just after b.
func CursorOf(b *models.Boleto) paging.Cursor { return paging.Cursor{At: b.IssuedAt, ID: b.ID} }

// Limits is an account's boleto issuance range.
type Limits struct {
	Minimum, Maximum money.Cents
}

// Limits returns an account's issuance range: its own, or Stone's default.
func (s *Service) Limits(ctx context.Context, accountID uuid.UUID) (Limits, error) {
	return limitsOf(s.db.WithContext(ctx), accountID)
}

func limitsOf(db *gorm.DB, accountID uuid.UUID) (Limits, error) {
	l, err := limitsOfMany(db, []uuid.UUID{accountID})
	return l[accountID], err
}

// LimitsMany is Limits for many accounts at once, in one query: each id's range.
func (s *Service) LimitsMany(ctx context.Context, accountIDs []uuid.UUID) (map[uuid.UUID]Limits, error) {
	return limitsOfMany(s.db.WithContext(ctx), accountIDs)
}

func limitsOfMany(db *gorm.DB, accountIDs []uuid.UUID) (map[uuid.UUID]Limits, error) {
	var rows []models.BoletoLimit
	if err := db.Where("account_id IN ?", accountIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Limits, len(accountIDs))
	for _, id := range accountIDs {
		out[id] = Limits{Minimum: DefaultMinimum, Maximum: DefaultMaximum}
	}
	for _, r := range rows {
		out[r.AccountID] = Limits{Minimum: money.Cents(r.MinimumCents), Maximum: money.Cents(r.MaximumCents)}
	}
	return out, nil
}

// SetLimits sets an account's issuance range (an operator's decision). Errors: field errors
// (INVALID) on minimum and maximum.
func (s *Service) SetLimits(ctx context.Context, accountID uuid.UUID, l Limits, by string) (Limits, error) {
	var errs apperr.List
	if l.Minimum <= 0 {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"minimum"}, "minimum must be at least 0.01"))
	}
	if l.Maximum > 99_999_999_99 || l.Maximum < l.Minimum {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"maximum"}, "maximum must be at least the minimum and at most 99999999.99 (the barcode's 10 digits)"))
	}
	if err := errs.OrNil(); err != nil {
		return Limits{}, err
	}
	row := models.BoletoLimit{AccountID: accountID, MinimumCents: int64(l.Minimum), MaximumCents: int64(l.Maximum), UpdatedBy: by, UpdatedAt: s.now()}
	err := s.db.WithContext(ctx).Exec(`INSERT INTO boleto_limits (account_id, minimum_cents, maximum_cents, updated_by, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET minimum_cents = excluded.minimum_cents,
		maximum_cents = excluded.maximum_cents, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		row.AccountID, row.MinimumCents, row.MaximumCents, row.UpdatedBy, row.UpdatedAt).Error
	if err != nil {
		return Limits{}, err
	}
	return l, nil
}
