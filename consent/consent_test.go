package consent_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/consent"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
)

type fixture struct {
	db      *gorm.DB
	svc     *consent.Service
	tenant  *models.Tenant
	account uuid.UUID
	now     time.Time
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db, _ := testdb.Open(t)
	ctx := context.Background()
	tenant := &models.Tenant{ClientID: "erp", Name: "ERP", AllowedScopes: []string{"accounts:read", "balance:read", "consents:request"}, RedirectURIs: []string{"https://erp.example/cb"}}
	if err := db.Create(tenant).Error; err != nil {
		t.Fatal(err)
	}
	accs, err := accounts.New(ctx, db, accounts.Config{DefaultPlan: "standard"})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := accs.Create(ctx, nil, accounts.CreateInput{Name: "Maria", Email: "m@example.com", Document: "39053344705"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accs.Review(ctx, acc.ID, accounts.DecisionApprove, nil, "op"); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, tenant: tenant, account: acc.ID, now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	f.svc = consent.New(db, consent.Config{PublicURL: "https://ponte.example"})
	f.svc.SetClock(func() time.Time { return f.now })
	return f
}

func (f *fixture) request(t *testing.T, in consent.RequestInput) (*consent.Requested, error) {
	t.Helper()
	if in.RedirectURI == "" {
		in.RedirectURI = "https://erp.example/cb"
	}
	if in.Scopes == nil {
		in.Scopes = []string{"accounts:read"}
	}
	if in.AccountID == nil && in.Document == nil {
		in.AccountID = &f.account
	}
	return f.svc.Request(context.Background(), f.tenant, in)
}

func TestRequestValidation(t *testing.T) {
	f := setup(t)
	doc := "39053344705"
	tooLate := f.now.AddDate(2, 0, 0)
	tooSoon := f.now.Add(time.Hour)
	cases := map[string]struct {
		in    consent.RequestInput
		field string
		code  apperr.Code
	}{
		"ErrScopeTheTenantMayNotAsk": {consent.RequestInput{Scopes: []string{"payments:initiate"}}, "scopes", apperr.Invalid},
		"ErrNoScopes":                {consent.RequestInput{Scopes: []string{}}, "scopes", apperr.Required},
		"ErrRedirectNotExact":        {consent.RequestInput{RedirectURI: "https://erp.example/cb/"}, "redirectUri", apperr.Invalid},
		"ErrBothAccountAndDocument":  {consent.RequestInput{AccountID: &f.account, Document: &doc}, "accountId", apperr.Invalid},
		"ErrGrantTooLong":            {consent.RequestInput{ExpiresAt: &tooLate}, "expiresAt", apperr.Invalid},
		"ErrGrantEndsBeforeLink":     {consent.RequestInput{ExpiresAt: &tooSoon}, "expiresAt", apperr.Invalid},
		"ErrUnknownAccount":          {consent.RequestInput{AccountID: ptr(uuid.New())}, "accountId", apperr.NotFound},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := f.request(t, c.in)
			e, ok := apperr.As(err)
			if !ok || e.Code != c.code || e.Field[0] != c.field {
				t.Fatalf("err = %v, want %s on %s", err, c.code, c.field)
			}
		})
	}
	var n int64
	f.db.Model(&models.Consent{}).Count(&n)
	if n != 0 {
		t.Fatalf("refused requests wrote %d consents", n)
	}
}

func TestRequestGivesASingleUseLink(t *testing.T) {
	f := setup(t)
	r, err := f.request(t, consent.RequestInput{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Consent.Status != string(consent.StatusAwaiting) || r.Link == "" || !r.Consent.LinkExpiresAt.Equal(f.now.Add(2*time.Hour)) ||
		!r.Consent.ExpiresAt.Equal(f.now.Add(365*24*time.Hour)) {
		t.Fatalf("%+v link %q", r.Consent, r.Link)
	}
	var stored models.Consent
	f.db.First(&stored, "id = ?", r.Consent.ID)
	if len(stored.LinkHash) != 32 || string(stored.LinkHash) == r.Link {
		t.Fatal("the link secret is stored instead of its hash")
	}
}

func TestExpireDue(t *testing.T) {
	f := setup(t)
	awaiting, err := f.request(t, consent.RequestInput{})
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(2*time.Hour + time.Second)
	n, err := f.svc.ExpireDue(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("ExpireDue = %d, %v", n, err)
	}
	var logged []string
	f.db.Raw("SELECT name FROM events WHERE consent_id = ? ORDER BY id", awaiting.Consent.ID).Scan(&logged)
	if len(logged) != 2 || logged[1] != "consent_expired" {
		t.Fatalf("event log %v", logged)
	}
	got, _ := f.svc.Get(context.Background(), awaiting.Consent.ID)
	if got.Status != string(consent.StatusExpired) {
		t.Fatalf("status %s", got.Status)
	}
	if n, _ := f.svc.ExpireDue(context.Background()); n != 0 {
		t.Fatalf("a second sweep changed %d consents", n)
	}
	if _, err := f.svc.Revoke(context.Background(), awaiting.Consent.ID, "tenant:erp", nil); apperr.CodeOf(err) != apperr.InvalidState {
		t.Fatalf("revoking an expired consent: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
