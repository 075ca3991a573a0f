package contacts_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/contacts"
	"github.com/ponte-bff/ponte/internal/testdb"
)

var by = contacts.By{Actor: "tenant:test"}

func newService(t *testing.T) (*contacts.Service, *gorm.DB, uuid.UUID) {
	t.Helper()
	db, _ := testdb.Open(t)
	accs, err := accounts.New(context.Background(), db, accounts.Config{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := accs.Create(context.Background(), nil, accounts.CreateInput{Name: "Empresa", Email: "e@example.com", Document: "11222333000181"})
	if err != nil {
		t.Fatal(err)
	}
	return contacts.New(db), db, a.ID
}

// fields are the "field code" pairs of a field-error list, for comparing.
func fields(err error) string {
	var list apperr.List
	if e, ok := err.(apperr.List); ok {
		list = e
	} else if e, ok := apperr.As(err); ok {
		list = apperr.List{e}
	}
	var out []string
	for _, e := range list {
		out = append(out, strings.Join(e.Field, ".")+" "+string(e.Code))
	}
	return strings.Join(out, ", ")
}

func TestBankAccountRules(t *testing.T) {
	svc, _, account := newService(t)
	ctx := context.Background()
	code := accounts.AccountCode(1234567)
	c, err := svc.Create(ctx, by, contacts.CreateInput{AccountID: account, Details: contacts.Details{Name: "Maria", Document: "390.533.447-05"},
		BankAccounts: []contacts.BankAccountInput{
			{BankCode: "341", BranchCode: "12", AccountCode: "5678-x", AccountType: "PP"},
			{AccountCode: code},                    // no bank: Ponte
			{ISPB: "16501555", AccountCode: "7-8"}, // Stone by ISPB; 8 is 7's check digit
			{ISPB: "60701190", BankCode: "0341", BranchCode: "0001", AccountCode: "1"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	b := c.BankAccounts
	if *b[0].BranchCode != "0012" || b[0].AccountCode != "5678X" || *b[0].AccountType != "PP" || *b[0].BankCode != "341" || contacts.IsPonte(&b[0]) {
		t.Errorf("Itaú: %+v", b[0])
	}
	if !contacts.IsPonte(&b[1]) || b[1].AccountCode != code || b[1].BranchCode != nil || b[1].AccountType != nil || !contacts.IsPonte(&b[2]) || b[2].AccountCode != accounts.AccountCode(7) {
		t.Errorf("Ponte payees: %+v %+v", b[1], b[2])
	}
	for name, tc := range map[string]struct {
		in   contacts.BankAccountInput
		want string
	}{
		"UnknownBank":            {contacts.BankAccountInput{BankCode: "999", BranchCode: "1", AccountCode: "1"}, "bankAccount.bankCode INVALID"},
		"CodeAndISPBDisagree":    {contacts.BankAccountInput{BankCode: "197", ISPB: "60701190", AccountCode: code}, "bankAccount.bankCode INVALID"},
		"StoneISPBOtherCode":     {contacts.BankAccountInput{BankCode: "341", ISPB: "16501555", AccountCode: code}, "bankAccount.bankCode INVALID"},
		"PonteBadCheckDigit":     {contacts.BankAccountInput{BankCode: "197", AccountCode: "12345670"}, "bankAccount.accountCode INVALID"},
		"PonteWithBranchType":    {contacts.BankAccountInput{AccountCode: code, BranchCode: "1", AccountType: "CC"}, "bankAccount.branchCode INVALID, bankAccount.accountType INVALID"},
		"PonteWithoutCode":       {contacts.BankAccountInput{BankCode: "197"}, "bankAccount.accountCode REQUIRED"},
		"ElsewhereWithoutBranch": {contacts.BankAccountInput{BankCode: "001", AccountCode: "1"}, "bankAccount.branchCode INVALID"},
		"BadType":                {contacts.BankAccountInput{BankCode: "001", BranchCode: "1", AccountCode: "1", AccountType: "XX"}, "bankAccount.accountType INVALID"},
		"Duplicate":              {contacts.BankAccountInput{BankCode: "341", BranchCode: "0012", AccountCode: "5678X"}, "bankAccount DUPLICATE_BANK_ACCOUNT"},
	} {
		_, err := svc.AddBankAccount(ctx, by, c.ID, tc.in)
		if got := fields(err); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
	if _, err := svc.AddBankAccount(ctx, by, uuid.New(), contacts.BankAccountInput{AccountCode: code}); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("a missing contact: %v", err)
	}
}

// TestSavePayeeOnceUnderConcurrency: payments saving one payee at the same time make one contact
// with one bank account, and one event says so.
func TestSavePayeeOnceUnderConcurrency(t *testing.T) {
	svc, db, account := newService(t)
	ctx := context.Background()
	p := contacts.Payee{Details: contacts.Details{Name: "Oficina", Document: "11.222.333/0001-81"},
		BankAccount: contacts.BankAccountInput{BankCode: "237", BranchCode: "12", AccountCode: "4455-6"}}
	var wg sync.WaitGroup
	changes := make(chan bool, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, changed, err := svc.SavePayee(ctx, by, account, p)
			if err != nil {
				t.Error(err)
			}
			changes <- changed
		}()
	}
	wg.Wait()
	close(changes)
	n := 0
	for c := range changes {
		if c {
			n++
		}
	}
	var contactsN, banksN, eventsN int64
	db.Raw("SELECT count(*) FROM contacts").Scan(&contactsN)
	db.Raw("SELECT count(*) FROM contact_bank_accounts").Scan(&banksN)
	db.Raw("SELECT count(*) FROM events WHERE topic = 'contact'").Scan(&eventsN)
	if n != 1 || contactsN != 1 || banksN != 1 || eventsN != 1 {
		t.Fatalf("%d saves changed something; %d contacts, %d bank accounts, %d events; want 1 each", n, contactsN, banksN, eventsN)
	}
	// The same payee at another bank account: the contact gains it.
	p.BankAccount = contacts.BankAccountInput{AccountCode: accounts.AccountCode(7654321)}
	c, changed, err := svc.SavePayee(ctx, by, account, p)
	if err != nil || !changed || len(c.BankAccounts) != 2 || c.Name != "Oficina" {
		t.Fatalf("a second bank account: %+v %v %v", c, changed, err)
	}
}

// TestPayeeIsOnlyOfItsAccount: a payment names only its own account's contacts, each by the
// right kind of transfer.
func TestPayeeIsOnlyOfItsAccount(t *testing.T) {
	svc, _, account := newService(t)
	ctx := context.Background()
	code := accounts.AccountCode(1234567)
	c, err := svc.Create(ctx, by, contacts.CreateInput{AccountID: account, Details: contacts.Details{Name: "Maria", Document: "39053344705"},
		BankAccounts: []contacts.BankAccountInput{{BankCode: "341", BranchCode: "1", AccountCode: "2"}, {AccountCode: code}}})
	if err != nil {
		t.Fatal(err)
	}
	ted, pontePayee := c.BankAccounts[0].ID, c.BankAccounts[1].ID
	if got, err := svc.TEDTarget(ctx, account, ted); err != nil || got.ISPB != "60701190" || got.BranchCode != "0001" || got.Name != "Maria" || got.Document != "39053344705" {
		t.Fatalf("TED target %+v %v", got, err)
	}
	if got, err := svc.InternalTargetCode(ctx, account, pontePayee); err != nil || got != code {
		t.Fatalf("internal target %q %v", got, err)
	}
	for name, err := range map[string]error{
		"TedToPonte":     func() error { _, err := svc.TEDTarget(ctx, account, pontePayee); return err }(),
		"InternalToTed":  func() error { _, err := svc.InternalTargetCode(ctx, account, ted); return err }(),
		"OtherAccount":   func() error { _, err := svc.TEDTarget(ctx, uuid.New(), ted); return err }(),
		"MissingAccount": func() error { _, err := svc.InternalTargetCode(ctx, account, uuid.New()); return err }(),
	} {
		want := "contactBankAccountId INVALID"
		if strings.HasSuffix(name, "Account") {
			want = "contactBankAccountId NOT_FOUND"
		}
		if got := fields(err); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}
