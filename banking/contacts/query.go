package contacts

import (
	"context"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// Get returns a contact with its bank accounts. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*models.Contact, error) {
	var c models.Contact
	err := s.db.WithContext(ctx).Preload("BankAccounts", orderBankAccounts).Where("id = ?", id).Take(&c).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// GetBankAccount returns a contact's bank account and the contact it belongs to.
// Errors: NOT_FOUND.
func (s *Service) GetBankAccount(ctx context.Context, id uuid.UUID) (*models.ContactBankAccount, *models.Contact, error) {
	var ba models.ContactBankAccount
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&ba).Error; err != nil {
		return nil, nil, notFound(err)
	}
	c, err := s.Get(ctx, ba.ContactID)
	return &ba, c, err
}

// AccountOf returns the account a contact belongs to, so the authorizer can judge a request on
// the contact by its account. Errors: NOT_FOUND.
func (s *Service) AccountOf(ctx context.Context, contactID uuid.UUID) (uuid.UUID, error) {
	var c models.Contact
	if err := s.db.WithContext(ctx).Select("account_id").Where("id = ?", contactID).Take(&c).Error; err != nil {
		return uuid.Nil, notFound(err)
	}
	return c.AccountID, nil
}

// AccountOfBankAccount is AccountOf for a contact's bank account. Errors: NOT_FOUND.
func (s *Service) AccountOfBankAccount(ctx context.Context, bankAccountID uuid.UUID) (uuid.UUID, error) {
	var row struct{ AccountID uuid.UUID }
	err := s.db.WithContext(ctx).Table("contact_bank_accounts b").Select("c.account_id").
		Joins("JOIN contacts c ON c.id = b.contact_id").Where("b.id = ?", bankAccountID).Take(&row).Error
	if err != nil {
		return uuid.Nil, notFound(err)
	}
	return row.AccountID, nil
}

// Page is one page of an account's contacts, newest first.
type Page struct {
	Contacts []*models.Contact
	HasNext  bool
}

// List returns an account's contacts, newest first, each with its bank accounts. A search finds
// contacts by a part of the name (any case), the start of the document (digits, mask or not),
// or a bank account's account code, bank code, ISPB or a part of the bank's name.
func (s *Service) List(ctx context.Context, accountID uuid.UUID, search string, p paging.Page) (*Page, error) {
	q := s.filtered(ctx, accountID, search).Preload("BankAccounts", orderBankAccounts)
	if p.After != nil {
		q = q.Where("(contacts.created_at, contacts.id) < (?, ?)", p.After.At, p.After.ID)
	}
	var rows []*models.Contact
	if err := q.Order("contacts.created_at DESC, contacts.id DESC").Limit(p.First + 1).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := &Page{Contacts: rows}
	if len(rows) > p.First {
		out.Contacts, out.HasNext = rows[:p.First], true
	}
	return out, nil
}

// Count is how many contacts List finds with search over all its pages: a connection's totalCount.
func (s *Service) Count(ctx context.Context, accountID uuid.UUID, search string) (int, error) {
	var n int64
	err := s.filtered(ctx, accountID, search).Model(&models.Contact{}).Count(&n).Error
	return int(n), err
}

// filtered selects the account's contacts that search finds (all of them when it is blank).
func (s *Service) filtered(ctx context.Context, accountID uuid.UUID, search string) *gorm.DB {
	where, args := searchWhere("contacts", search)
	return s.db.WithContext(ctx).Where("account_id = ?"+where, append([]any{accountID}, args...)...)
}

// searchWhere is search as a condition on the contacts table known as table ("contacts", or the
// alias of ListMany), starting with " AND ", and its arguments; none when search is blank.
func searchWhere(table, search string) (string, []any) {
	text := strings.TrimSpace(search)
	if text == "" {
		return "", nil
	}
	like := "%" + escapeLike(text) + "%"
	compact := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) || r == 'X' || r == 'x' || unicode.IsLetter(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, text)
	return ` AND (` + table + `.name ILIKE ? OR (? <> '' AND ` + table + `.document LIKE ?) OR EXISTS (
		SELECT 1 FROM contact_bank_accounts b WHERE b.contact_id = ` + table + `.id
		AND (b.account_code = ? OR b.bank_code = ? OR b.ispb = ? OR b.bank_name ILIKE ?)))`,
		[]any{like, compact, escapeLike(compact) + "%", compact, text, text, like}
}

// ListMany is List for many accounts at once: the contacts of a page of accounts in one
// statement (paging.PerAccount) and all their bank accounts in one more. Every id gets a page.
func (s *Service) ListMany(ctx context.Context, accountIDs []uuid.UUID, search string, p paging.Page) (map[uuid.UUID]*Page, error) {
	where, args := searchWhere("p", search)
	pages, err := paging.PerAccount(ctx, s.db, "contacts", where, args, accountIDs, p,
		func(c *models.Contact) uuid.UUID { return c.AccountID })
	if err != nil {
		return nil, err
	}
	byID := map[uuid.UUID]*models.Contact{}
	out := make(map[uuid.UUID]*Page, len(pages))
	for id, pg := range pages {
		out[id] = &Page{Contacts: pg.Rows, HasNext: pg.HasNext}
		for _, c := range pg.Rows {
			byID[c.ID] = c
		}
	}
	if len(byID) == 0 {
		return out, nil
	}
	var banks []models.ContactBankAccount
	if err := orderBankAccounts(s.db.WithContext(ctx)).Where("contact_id IN ?", slices.Collect(maps.Keys(byID))).Find(&banks).Error; err != nil {
		return nil, err
	}
	for _, b := range banks {
		c := byID[b.ContactID]
		c.BankAccounts = append(c.BankAccounts, b)
	}
	return out, nil
}

// CursorOf is the keyset cursor just after c.
func CursorOf(c *models.Contact) paging.Cursor { return paging.Cursor{At: c.CreatedAt, ID: c.ID} }

func orderBankAccounts(db *gorm.DB) *gorm.DB { return db.Order("created_at, id") }

// escapeLike makes s match itself in a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
