package accounts_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/paging"
)

// Documents from ../shared/vectors (copied in brazil/testdata).
const (
	validCPF       = "248.438.034-80"
	validCNPJ      = "11222333000181"
	validAlnumCNPJ = "12.ABC.345/01DE-35"
)

func newService(t *testing.T, plan string) (*accounts.Service, *gorm.DB) {
	t.Helper()
	db, _ := testdb.Open(t)
	svc, err := accounts.New(context.Background(), db, accounts.Config{BranchCode: "0001", DefaultPlan: plan})
	if err != nil {
		t.Fatal(err)
	}
	return svc, db
}

func create(t *testing.T, svc *accounts.Service, doc string) *models.Account {
	t.Helper()
	acc, err := svc.Create(context.Background(), nil, accounts.CreateInput{Name: "Jose Penteado", Email: "jose@example.com", Document: doc})
	if err != nil {
		t.Fatalf("Create(%s): %v", doc, err)
	}
	return acc
}

func TestCreate(t *testing.T) {
	svc, db := newService(t, "standard")
	ctx := context.Background()

	t.Run("CPFCNPJAndAlphanumericCNPJOpenPendingAccounts", func(t *testing.T) {
		for doc, typ := range map[string]string{validCPF: "CPF", validCNPJ: "CNPJ", validAlnumCNPJ: "CNPJ"} {
			acc := create(t, svc, doc)
			if acc.DocumentType != typ || accounts.StatusOf(acc) != accounts.StatusLastKYCNotApproved || acc.LimitPlanID != nil {
				t.Errorf("%s: type %s status %s plan %v", doc, acc.DocumentType, acc.Status, acc.LimitPlanID)
			}
		}
	})

	t.Run("ErrEveryBadFieldReportedAtOnce", func(t *testing.T) {
		future := time.Now().AddDate(1, 0, 0)
		mobile := "(20) 99999-8888"
		_, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "", Email: "not-an-email", Document: "123.456.789-00", MobileNumber: &mobile, DateOfBirth: &future, AccountType: "PP"})
		list, ok := err.(apperr.List)
		if !ok {
			t.Fatalf("err = %T %v, want a list", err, err)
		}
		got := map[string]apperr.Code{}
		for _, e := range list {
			got[e.Field[0]] = e.Code
		}
		want := map[string]apperr.Code{"name": apperr.Required, "email": apperr.Invalid, "document": apperr.InvalidDocument, "mobileNumber": apperr.Invalid, "dateOfBirth": apperr.Invalid, "accountType": apperr.Invalid}
		for f, c := range want {
			if got[f] != c {
				t.Errorf("field %s: code %q, want %q", f, got[f], c)
			}
		}
	})

	t.Run("ErrDocumentTypeContradictsDocument", func(t *testing.T) {
		_, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Ana", Email: "a@example.com", Document: "33791566806", DocumentType: "CNPJ"})
		if e, _ := apperr.As(err); e == nil || e.Code != apperr.InvalidDocument {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrDuplicateDocumentWritesNothing", func(t *testing.T) {
		var before int64
		db.Model(&models.Account{}).Count(&before)
		_, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Other", Email: "o@example.com", Document: "24843803480"})
		if apperr.CodeOf(err) != apperr.DuplicateDocument {
			t.Fatalf("err = %v", err)
		}
		var after int64
		db.Model(&models.Account{}).Count(&after)
		if after != before {
			t.Fatalf("accounts went from %d to %d", before, after)
		}
	})

	t.Run("ErrConcurrentDuplicatesOpenOneAccount", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Race", Email: "r@example.com", Document: "97228186605"})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			if err == nil {
				ok++
			} else if apperr.CodeOf(err) != apperr.DuplicateDocument {
				t.Errorf("unexpected error %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d accounts opened for one document", ok)
		}
	})
}

func TestReview(t *testing.T) {
	ctx := context.Background()

	t.Run("ApproveOpensStonePaymentAccountWithDefaultPlan", func(t *testing.T) {
		svc, _ := newService(t, "standard")
		acc := create(t, svc, validCPF)
		got, err := svc.Review(ctx, acc.ID, accounts.DecisionApprove, nil, "op")
		if err != nil {
			t.Fatal(err)
		}
		ba := got.BankAccount
		if accounts.StatusOf(got) != accounts.StatusApproved || ba == nil || got.LimitPlan == nil || got.LimitPlan.Name != "standard" {
			t.Fatalf("status %s bank %+v plan %+v", accounts.StatusOf(got), ba, got.LimitPlan)
		}
		if ba.InstitutionISPB != "16501555" || ba.InstitutionCode != "197" || ba.BranchCode != "0001" || ba.AccountType != "PG" || !accounts.ValidAccountCode(ba.AccountCode) {
			t.Fatalf("bank account %+v", ba)
		}
	})

	t.Run("ApproveWithoutPlanReportsMissingMovementLimitPlan", func(t *testing.T) {
		svc, _ := newService(t, "")
		acc := create(t, svc, validCPF)
		got, err := svc.Review(ctx, acc.ID, accounts.DecisionApprove, nil, "op")
		if err != nil || accounts.StatusOf(got) != accounts.StatusMissingMovementLimitPlan || got.BankAccount == nil {
			t.Fatalf("status %v err %v", accounts.StatusOf(got), err)
		}
	})

	t.Run("TransitionsAndTheirRefusals", func(t *testing.T) {
		svc, db := newService(t, "standard")
		acc := create(t, svc, validCPF)
		steps := []struct {
			d    accounts.Decision
			want accounts.Status
			code apperr.Code
		}{
			{accounts.DecisionDisable, "", apperr.InvalidState}, // not approved yet
			{accounts.DecisionApprove, accounts.StatusApproved, ""},
			{accounts.DecisionApprove, "", apperr.InvalidState}, // already approved
			{accounts.DecisionDisable, accounts.StatusDisabled, ""},
			{accounts.DecisionApprove, accounts.StatusApproved, ""}, // re-enabled, same bank account
			{accounts.DecisionBlock, accounts.StatusBlocked, ""},
			{accounts.DecisionApprove, "", apperr.InvalidState}, // fraud is final
			{accounts.DecisionBlock, "", apperr.InvalidState},
		}
		for i, s := range steps {
			got, err := svc.Review(ctx, acc.ID, s.d, nil, "op")
			if s.code != "" {
				if apperr.CodeOf(err) != s.code {
					t.Fatalf("step %d %s: err %v, want %s", i, s.d, err, s.code)
				}
				continue
			}
			if err != nil || accounts.StatusOf(got) != s.want {
				t.Fatalf("step %d %s: %v, %v", i, s.d, err, got)
			}
		}
		var banks, reviews int64
		db.Model(&models.BankAccount{}).Where("account_id = ?", acc.ID).Count(&banks)
		db.Model(&models.KYCReview{}).Where("account_id = ?", acc.ID).Count(&reviews)
		if banks != 1 || reviews != 4 {
			t.Fatalf("bank accounts %d (want 1), reviews %d (want 4)", banks, reviews)
		}
		_, err := svc.Create(ctx, nil, accounts.CreateInput{Name: "Again", Email: "a@example.com", Document: validCPF})
		if apperr.CodeOf(err) != apperr.DocumentBlocked {
			t.Fatalf("blocked document reapplied: %v", err)
		}
	})

	t.Run("ErrUnknownAccount", func(t *testing.T) {
		svc, _ := newService(t, "standard")
		if _, err := svc.Review(ctx, uuid.New(), accounts.DecisionApprove, nil, "op"); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("ErrMissingDefaultPlanStopsStart", func(t *testing.T) {
		db, _ := testdb.Open(t)
		if _, err := accounts.New(ctx, db, accounts.Config{DefaultPlan: "nope"}); err == nil {
			t.Fatal("a missing default plan was accepted")
		}
	})
}

func TestListPagesWithoutSkipsOrRepeats(t *testing.T) {
	svc, db := newService(t, "standard")
	ctx := context.Background()
	tenant := models.Tenant{ClientID: "t1", Name: "T1"}
	if err := db.Create(&tenant).Error; err != nil {
		t.Fatal(err)
	}
	docs := []string{"24843803480", "23858488135", "97228186605", "20116410477", "57500407980"}
	for _, d := range docs {
		if _, err := svc.Create(ctx, &tenant.ID, accounts.CreateInput{Name: "Cliente", Email: "c@example.com", Document: d}); err != nil {
			t.Fatal(err)
		}
	}
	create(t, svc, validCNPJ) // another owner's: never listed
	seen := map[uuid.UUID]bool{}
	var after *string
	for pages := 0; ; pages++ {
		p, _ := paging.Parse(ptr(2), after)
		page, err := svc.List(ctx, auth.TenantAccounts(tenant.ID, auth.ScopeAccountsRead, time.Now()), p)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 5 {
			t.Fatalf("total %d", page.Total)
		}
		for _, a := range page.Accounts {
			if seen[a.ID] {
				t.Fatalf("account %s repeated", a.ID)
			}
			seen[a.ID] = true
		}
		if !page.HasNext {
			break
		}
		c := accounts.CursorOf(page.Accounts[len(page.Accounts)-1]).Encode()
		after = &c
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if len(seen) != 5 {
		t.Fatalf("saw %d accounts, want 5", len(seen))
	}
	if page, _ := svc.List(ctx, nil, paging.Page{First: 10}); len(page.Accounts) != 0 {
		t.Fatal("the zero Visibility showed accounts")
	}
}

func TestAccountCodeCheckDigit(t *testing.T) {
	for n := int64(100000); n < 100200; n++ {
		code := accounts.AccountCode(n)
		if !accounts.ValidAccountCode(code) {
			t.Fatalf("%s does not validate", code)
		}
		wrong := code[:len(code)-1] + string('0'+(code[len(code)-1]-'0'+1)%10)
		if accounts.ValidAccountCode(wrong) {
			t.Fatalf("%s validates with a wrong digit", wrong)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestAccountCodesAreRandomNotSequential: new codes are drawn at random over seven-digit numbers
// with their check digit, so a code says nothing about its neighbours; a code another account
// holds is drawn again.
func TestAccountCodesAreRandomNotSequential(t *testing.T) {
	svc, _ := newService(t, "standard")
	ctx := context.Background()
	docs := []string{"52998224725", "39053344705", "24843803480", "23858488135", "11144477735", "11222333000181", "12ABC34501DE35", "45723174000110"}
	var numbers []int
	for _, doc := range docs {
		acc, err := svc.Review(ctx, create(t, svc, doc).ID, accounts.DecisionApprove, nil, "op")
		if err != nil {
			t.Fatal(err)
		}
		code := acc.BankAccount.AccountCode
		n, err := strconv.Atoi(code[:len(code)-1])
		if len(code) != 8 || err != nil || !accounts.ValidAccountCode(code) {
			t.Fatalf("code %q: want seven digits and a check digit", code)
		}
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	for i := 1; i < len(numbers); i++ {
		if numbers[i]-numbers[i-1] <= 1 {
			t.Fatalf("neighbouring account numbers %v: codes look sequential", numbers)
		}
	}

	t.Run("ACollisionIsDrawnAgain", func(t *testing.T) {
		taken := numbers[0]
		draws := []int64{int64(taken), int64(taken), 8_765_432}
		svc.SetNumberSourceForTest(func() (int64, error) {
			n := draws[0]
			draws = draws[1:]
			return n, nil
		})
		acc, err := svc.Review(ctx, create(t, svc, "71428793860").ID, accounts.DecisionApprove, nil, "op")
		if err != nil || acc.BankAccount.AccountCode != accounts.AccountCode(8_765_432) || len(draws) != 0 {
			t.Fatalf("after two taken draws: %+v %v (draws left %v)", acc.BankAccount, err, draws)
		}
	})
}
