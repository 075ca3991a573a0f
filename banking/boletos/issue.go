package boletos

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
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/internal/saopaulo"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// Issuer is who issues: the tenant (its idempotency keys, its ERP hears of the boleto) and the
// actor named in the event log. The authorizer has already allowed it.
type Issuer struct {
	TenantID *uuid.UUID
	Actor    string
}

// IssueInput is a boleto to issue. Rates are hundredths of a percent (200 = 2,00 %).
type IssueInput struct {
	AccountID      uuid.UUID
	Kind           Kind
	Amount         money.Cents
	DueDate        brazil.Date
	LimitDate      *brazil.Date // default: the due date
	Customer       CustomerInput
	Fine           *FineInput
	Interest       *InterestInput
	Discounts      []DiscountInput
	Description    *string
	IdempotencyKey string
}

// CustomerInput is the payer named on the slip (sacado).
type CustomerInput struct {
	Name, Document, TradeName string
	Address                   *models.BoletoAddress
}

// FineInput is a fine of RateBP, charged once from From (default: the day after the due date).
type FineInput struct {
	RateBP int64
	From   *brazil.Date
}

// InterestInput is MonthlyRateBP a month, charged for every day from From (default: the day
// after the due date).
type InterestInput struct {
	MonthlyRateBP int64
	From          *brazil.Date
}

// DiscountInput takes RateBP off for a payment on or before Until.
type DiscountInput struct {
	RateBP int64
	Until  brazil.Date
}

// Issue validates in by Stone's rules and stores the boleto CREATED, with its our number, barcode
// and typed line, its event, and the registry's answer queued. The same idempotency key from the
// same tenant returns the same boleto; with a different request it is refused.
// Errors: field errors (INVALID, REQUIRED, INVALID_DOCUMENT, one per broken rule, nothing
// written), ACCOUNT_NOT_APPROVED, IDEMPOTENCY_KEY_REUSED.
func (s *Service) Issue(ctx context.Context, by Issuer, in IssueInput) (*models.Boleto, error) {
	now := s.now()
	today := brazil.DateOf(now.In(saopaulo.Location))
	hash := requestHash(in)
	var out *models.Boleto
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if existing, err := findByKey(tx, by.TenantID, in.IdempotencyKey); err != nil || existing != nil {
			if err == nil {
				out = existing
				if string(existing.RequestHash) != string(hash) {
					err = apperr.Field(apperr.IdempotencyKeyReused, []string{"idempotencyKey"}, "this idempotencyKey was used for a different request")
				}
			}
			return err
		}
		acc, err := accounts.Find(tx, in.AccountID)
		if err != nil {
			return err
		}
		lim, err := limitsOf(tx, in.AccountID)
		if err != nil {
			return err
		}
		b, err := build(in, acc, lim, today)
		if err != nil {
			return err
		}
		if err := accounts.CheckCanPay(tx, in.AccountID); err != nil { // only an account that moves money receives it
			return err
		}
		var seq int64
		if err := tx.Raw("SELECT nextval('boleto_our_number_seq')").Scan(&seq).Error; err != nil {
			return err
		}
		code, err := codeFor(seq, brazil.DateOf(b.DueDate), b.AmountCents)
		if err != nil {
			return err
		}
		b.OurNumber, b.Barcode, b.TypedLine = code.ourNumber, code.barcode, code.line
		b.TenantID, b.IdempotencyKey, b.RequestHash, b.CreatedBy = by.TenantID, in.IdempotencyKey, hash, by.Actor
		b.Status, b.IssuedAt, b.UpdatedAt = string(StatusCreated), now, now
		if err := tx.Create(b).Error; err != nil {
			return err
		}
		if err := s.record(ctx, tx, b, "", StatusCreated, by.Actor, nil); err != nil {
			return err
		}
		out = b
		return s.runner.RegisterTx(tx, b.ID, s.cfg.RegisterDelay)
	})
	if isUniqueViolation(err) { // a concurrent request with the same key won the insert
		return s.Issue(ctx, by, in)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// build checks in against Stone's rules, every broken one a field error, and returns the boleto
// without its code.
func build(in IssueInput, acc *models.Account, lim Limits, today brazil.Date) (*models.Boleto, error) {
	var errs apperr.List
	add := func(code apperr.Code, field []string, format string, args ...any) {
		errs = append(errs, apperr.Field(code, field, format, args...))
	}
	switch in.Kind {
	case KindCobranca, KindProposta, KindDeposito:
	default:
		add(apperr.Invalid, []string{"kind"}, "kind must be COBRANCA, PROPOSTA or DEPOSITO")
	}
	if in.Amount < lim.Minimum || in.Amount > lim.Maximum {
		add(apperr.Invalid, []string{"amount"}, "amount must be between %s and %s for this account", lim.Minimum, lim.Maximum)
	}
	due := in.DueDate
	if due.Before(today) {
		add(apperr.Invalid, []string{"dueDate"}, "dueDate must be today or later")
	}
	limit := due
	if in.LimitDate != nil {
		limit = *in.LimitDate
	}
	if limit.After(today.AddDays(maxLimitDays)) {
		add(apperr.Invalid, []string{"limitDate"}, "the limit date must be at most %d days after issuance", maxLimitDays)
	}
	cobranca := in.Kind == KindCobranca
	switch {
	case cobranca && !limit.After(due):
		add(apperr.Invalid, []string{"limitDate"}, "a COBRANCA's limitDate must be after its dueDate")
	case !cobranca && limit != due:
		add(apperr.Invalid, []string{"limitDate"}, "a %s's limitDate is its dueDate", in.Kind)
	}
	b := &models.Boleto{AccountID: in.AccountID, Kind: string(in.Kind), AmountCents: int64(in.Amount), DueDate: due.Time(),
		LimitDate: limit.Time(), Discounts: []models.BoletoDiscount{}}
	if !cobranca && in.Fine != nil {
		add(apperr.Invalid, []string{"fine"}, "only a COBRANCA charges a fine")
	}
	if !cobranca && in.Interest != nil {
		add(apperr.Invalid, []string{"interest"}, "only a COBRANCA charges interest")
	}
	if !cobranca && len(in.Discounts) > 0 {
		add(apperr.Invalid, []string{"discounts"}, "only a COBRANCA gives discounts")
	}
	if cobranca {
		b.Fine = fineOf(in.Fine, due, limit, add)
		b.Interest = interestOf(in.Interest, due, limit, add)
		b.Discounts = discountsOf(in.Discounts, due, today, add)
	}
	b.Beneficiary = beneficiaryOf(acc)
	if in.Kind == KindDeposito {
		b.Customer = models.BoletoParty{Name: acc.Name, Document: acc.Document, DocumentType: acc.DocumentType}
		if strings.TrimSpace(in.Customer.Document) != "" {
			if doc, err := brazil.ParseDocument(in.Customer.Document, ""); err != nil || doc.Number != acc.Document {
				add(apperr.Invalid, []string{"customer", "document"}, "a DEPOSITO's customer is the beneficiary itself (%s)", acc.Document)
			}
		}
	} else {
		b.Customer = customerOf(in.Customer, add)
	}
	b.Description = descriptionOf(in.Description, add)
	switch n := utf8.RuneCountInString(in.IdempotencyKey); {
	case n == 0:
		add(apperr.Required, []string{"idempotencyKey"}, "idempotencyKey is required")
	case n > ledger.MaxKeyLength:
		add(apperr.Invalid, []string{"idempotencyKey"}, "idempotencyKey must have at most %d characters", ledger.MaxKeyLength)
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	return b, nil
}

type addFunc func(code apperr.Code, field []string, format string, args ...any)

func fineOf(in *FineInput, due, limit brazil.Date, add addFunc) *models.BoletoFine {
	if in == nil {
		return nil
	}
	if in.RateBP <= 0 || in.RateBP > maxFineBP {
		add(apperr.Invalid, []string{"fine", "rate"}, "the fine must be more than 0 and at most 2.00 %% of the amount, charged once")
	}
	from := due.AddDays(1)
	if in.From != nil {
		from = *in.From
		if !from.After(due) || from.After(limit) {
			add(apperr.Invalid, []string{"fine", "date"}, "the fine starts after the dueDate and no later than the limitDate")
		}
	}
	return &models.BoletoFine{RateBP: in.RateBP, From: from.Time()}
}

func interestOf(in *InterestInput, due, limit brazil.Date, add addFunc) *models.BoletoInterest {
	if in == nil {
		return nil
	}
	if in.MonthlyRateBP <= 0 || in.MonthlyRateBP > maxMonthlyRateBP {
		add(apperr.Invalid, []string{"interest", "monthlyRate"}, "interest must be more than 0 and at most 1.00 %% a month (charged daily)")
	}
	from := due.AddDays(1)
	if in.From != nil {
		from = *in.From
		if !from.After(due) || from.After(limit) {
			add(apperr.Invalid, []string{"interest", "date"}, "interest starts after the dueDate and no later than the limitDate")
		}
	}
	return &models.BoletoInterest{MonthlyRateBP: in.MonthlyRateBP, From: from.Time()}
}

func discountsOf(in []DiscountInput, due, today brazil.Date, add addFunc) []models.BoletoDiscount {
	out := []models.BoletoDiscount{}
	if len(in) > maxDiscounts {
		add(apperr.Invalid, []string{"discounts"}, "at most %d discounts", maxDiscounts)
		return out
	}
	seen := map[brazil.Date]bool{}
	for i, d := range in {
		idx := string(rune('0' + i))
		if d.RateBP <= 0 || d.RateBP > maxDiscountBP {
			add(apperr.Invalid, []string{"discounts", idx, "rate"}, "a discount must be more than 0 and at most 90.00 %%")
		}
		switch {
		case d.Until.After(due):
			add(apperr.Invalid, []string{"discounts", idx, "date"}, "a discount is dated on or before the dueDate")
		case d.Until.Before(today):
			add(apperr.Invalid, []string{"discounts", idx, "date"}, "a discount's date has passed")
		case seen[d.Until]:
			add(apperr.Invalid, []string{"discounts", idx, "date"}, "two discounts on the same date")
		}
		seen[d.Until] = true
		out = append(out, models.BoletoDiscount{RateBP: d.RateBP, Until: d.Until.Time()})
	}
	return out
}

func customerOf(in CustomerInput, add addFunc) models.BoletoParty {
	name := strings.Join(strings.Fields(in.Name), " ")
	if name == "" || utf8.RuneCountInString(name) > maxPartyNameRunes {
		add(apperr.Required, []string{"customer", "name"}, "the customer's name is required (at most %d characters)", maxPartyNameRunes)
	}
	p := models.BoletoParty{Name: name, TradeName: strings.Join(strings.Fields(in.TradeName), " "), Address: in.Address}
	if utf8.RuneCountInString(p.TradeName) > maxPartyNameRunes {
		add(apperr.Invalid, []string{"customer", "tradeName"}, "tradeName must have at most %d characters", maxPartyNameRunes)
	}
	doc, err := brazil.ParseDocument(in.Document, "")
	if err != nil {
		add(apperr.InvalidDocument, []string{"customer", "document"}, "%s", err.Error())
	}
	p.Document, p.DocumentType = doc.Number, string(doc.Type)
	if a := in.Address; a != nil {
		for _, f := range []struct{ name, v string }{{"street", a.Street}, {"number", a.Number}, {"complement", a.Complement},
			{"neighborhood", a.Neighborhood}, {"city", a.City}, {"state", a.State}, {"postalCode", a.PostalCode}} {
			if utf8.RuneCountInString(f.v) > maxPartyNameRunes {
				add(apperr.Invalid, []string{"customer", "address", f.name}, "%s must have at most %d characters", f.name, maxPartyNameRunes)
			}
		}
	}
	return p
}

func descriptionOf(in *string, add addFunc) *string {
	if in == nil {
		return nil
	}
	d := strings.TrimSpace(*in)
	if utf8.RuneCountInString(d) > maxDescription {
		add(apperr.Invalid, []string{"description"}, "description must have at most %d characters", maxDescription)
	}
	if d == "" {
		return nil
	}
	return &d
}

// beneficiaryOf is the issuing account's holder and payment account, as printed on the slip.
func beneficiaryOf(acc *models.Account) models.BoletoParty {
	p := models.BoletoParty{AccountID: &acc.ID, Name: acc.Name, Document: acc.Document, DocumentType: acc.DocumentType}
	if ba := acc.BankAccount; ba != nil {
		p.BankCode, p.BankName, p.ISPB, p.BranchCode, p.AccountCode = ba.InstitutionCode, ba.InstitutionName, ba.InstitutionISPB, ba.BranchCode, ba.AccountCode
	}
	return p
}

func findByKey(tx *gorm.DB, tenantID *uuid.UUID, key string) (*models.Boleto, error) {
	var b models.Boleto
	q := tx.Where("idempotency_key = ?", key)
	if tenantID == nil {
		q = q.Where("tenant_id IS NULL")
	} else {
		q = q.Where("tenant_id = ?", *tenantID)
	}
	err := q.Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &b, err
}

// requestHash fingerprints what the caller asked, so a reused key with another request is caught.
func requestHash(in IssueInput) []byte {
	in.IdempotencyKey = ""
	b, _ := json.Marshal(in)
	h := sha256.Sum256(b)
	return h[:]
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "boletos_idempotency"
}
