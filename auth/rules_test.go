package auth_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/models"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// rules is a small world: a person (maria) with her own account and a company she represents,
// someone else's account, a tenant owning the company's account, and consents in every state.
type rules struct {
	db                   *gorm.DB
	tenant               *models.Tenant
	own, company, others uuid.UUID
}

const maria, joao = "39053344705", "52998224725"

func setup(t *testing.T) *rules {
	t.Helper()
	db, _ := testdb.Open(t)
	r := &rules{db: db, tenant: &models.Tenant{ClientID: "erp", Name: "ERP"}}
	must(t, db.Create(r.tenant).Error)
	open := func(doc, kind string, owner *uuid.UUID) uuid.UUID {
		a := &models.Account{Name: "Conta " + doc, Email: "c@example.com", Document: doc, DocumentType: kind, Status: "APPROVED",
			RequestedAccountType: "PG", OwnerTenantID: owner}
		must(t, db.Create(a).Error)
		return a.ID
	}
	r.own, r.company, r.others = open(maria, "CPF", nil), open("11222333000181", "CNPJ", &r.tenant.ID), open(joao, "CPF", nil)
	must(t, db.Create(&models.AccountRepresentative{AccountID: r.company, Document: maria, Name: "Maria"}).Error)
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// consent stores a consent on account in status, ending at expires.
func (r *rules) consent(t *testing.T, account uuid.UUID, status string, expires time.Time, scopes ...string) uuid.UUID {
	t.Helper()
	c := &models.Consent{TenantID: r.tenant.ID, AccountID: &account, Scopes: scopes, RedirectURI: "https://erp.example/cb",
		Status: status, LinkExpiresAt: now.Add(time.Hour), ExpiresAt: expires}
	must(t, r.db.Create(c).Error)
	return c.ID
}

func ids(t *testing.T, q *gorm.DB) []uuid.UUID {
	t.Helper()
	var out []uuid.UUID
	must(t, q.Pluck("id", &out).Error)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return out
}

func set(xs ...uuid.UUID) []uuid.UUID {
	slices.SortFunc(xs, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return xs
}

func TestHeldByIsTheAccountsAPersonHoldsOrRepresents(t *testing.T) {
	r := setup(t)
	if got, want := ids(t, auth.HeldBy(r.db, maria)), set(r.own, r.company); !slices.Equal(got, want) {
		t.Fatalf("HeldBy(maria) = %v, want her own account and the company she represents %v", got, want)
	}
	if got := ids(t, auth.HeldBy(r.db, "00000000191")); len(got) != 0 {
		t.Fatalf("HeldBy(a stranger) = %v", got)
	}
}

func TestLiveConsentIsAuthorisedAndUnexpired(t *testing.T) {
	r := setup(t)
	live := r.consent(t, r.own, "AUTHORISED", now.Add(time.Hour), "accounts:read", "balance:read")
	lapsed := r.consent(t, r.own, "AUTHORISED", now, "accounts:read")
	r.consent(t, r.own, "AWAITING_AUTHORISATION", now.Add(time.Hour), "accounts:read")
	r.consent(t, r.own, "REVOKED", now.Add(time.Hour), "accounts:read")
	consents := func() *gorm.DB { return r.db.Model(&models.Consent{}) }
	if got := ids(t, auth.LiveConsent(consents(), now, "")); !slices.Equal(got, []uuid.UUID{live}) {
		t.Errorf("live = %v, want only %v", got, live)
	}
	if got := ids(t, auth.LiveConsent(consents(), now, "balance:read")); !slices.Equal(got, []uuid.UUID{live}) {
		t.Errorf("live with balance:read = %v, want %v", got, live)
	}
	if got := ids(t, auth.LiveConsent(consents(), now, "statement:read")); len(got) != 0 {
		t.Errorf("live with a scope no grant has = %v", got)
	}
	if got := ids(t, auth.LapsedConsent(consents(), now)); !slices.Equal(got, []uuid.UUID{lapsed}) {
		t.Errorf("lapsed = %v, want %v: a grant at its end is no longer live", got, lapsed)
	}
}

// payments is a fake of the payments domain: which account each payment is on.
type payments map[uuid.UUID]uuid.UUID

func (p payments) AccountsOf(_ context.Context, ids []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	out := map[uuid.UUID]uuid.UUID{}
	for _, id := range ids {
		if a, ok := p[id]; ok {
			out[id] = a
		}
	}
	return out, nil
}

func TestAMissingObjectLooksLikeSomeoneElses(t *testing.T) {
	r := setup(t)
	others := uuid.New()
	z := auth.NewAuthorizer(r.db, payments{others: r.others})
	ctx := auth.WithCaller(context.Background(), &auth.Caller{Kind: auth.KindHolder, Document: maria})
	_, errOthers := z.Payment(ctx, auth.ActionReadPayments, others)
	_, errMissing := z.Payment(ctx, auth.ActionReadPayments, uuid.New())
	_, errAccount := z.Account(ctx, auth.ActionReadAccount, uuid.New())
	hidden := z.Hide(ctx, apperr.E(apperr.NotFound, "no payment with this id"))
	for _, err := range []error{errMissing, errAccount, hidden} {
		if apperr.CodeOf(err) != apperr.Forbidden || err.Error() != errOthers.Error() {
			t.Errorf("%v, want the same refusal as for someone else's: %v", err, errOthers)
		}
	}
	if err := z.Refuse(context.Background()); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("no caller: %v, want UNAUTHENTICATED", err)
	}
}

func TestOnlyTheHolderDecidesPayments(t *testing.T) {
	r := setup(t)
	onOwn, onCompany, onOthers := uuid.New(), uuid.New(), uuid.New()
	z := auth.NewAuthorizer(r.db, payments{onOwn: r.own, onCompany: r.company, onOthers: r.others})
	as := func(c *auth.Caller) context.Context { return auth.WithCaller(context.Background(), c) }
	holder := as(&auth.Caller{Kind: auth.KindHolder, Subject: "maria", Document: maria})
	if c, err := z.DecidePayments(holder, []uuid.UUID{onOwn, onCompany}); err != nil || c.Actor() != "holder:maria" {
		t.Fatalf("the holder on her own and her company's payments: %v", err)
	}
	for name, ids := range map[string][]uuid.UUID{"someone else's": {onOwn, onOthers}, "missing": {onOwn, uuid.New()}} {
		if _, err := z.DecidePayments(holder, ids); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("with a %s payment among them: %v, want FORBIDDEN", name, err)
		}
	}
	tenant := as(&auth.Caller{Kind: auth.KindTenant, Tenant: r.tenant, Scopes: auth.TenantScopes})
	if _, err := z.DecidePayments(tenant, []uuid.UUID{onCompany}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("a tenant, even the account's owner: %v, want FORBIDDEN", err)
	}
}

func TestAGrantSaysWhetherTheTenantOwnsTheAccount(t *testing.T) {
	r := setup(t)
	z := auth.NewAuthorizer(r.db, payments{})
	ctx := auth.WithCaller(context.Background(), &auth.Caller{Kind: auth.KindTenant, ClientID: "erp", Tenant: r.tenant, Scopes: auth.TenantScopes})
	if g, err := z.InitiatePayment(ctx, r.company); err != nil || !g.Owned() || *g.TenantID != r.tenant.ID || g.Actor != "tenant:erp" {
		t.Fatalf("on its own account: %+v %v", g, err)
	}
	if _, err := z.InitiatePayment(ctx, r.own); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("without consent: %v, want FORBIDDEN", err)
	}
	r.consent(t, r.own, "AUTHORISED", time.Now().Add(time.Hour), "accounts:read", "payments:initiate")
	if g, err := z.InitiatePayment(ctx, r.own); err != nil || g.Owned() || g.Basis != auth.ByConsent {
		t.Fatalf("through consent: %+v %v", g, err)
	}
	if (auth.Grant{}).Owned() {
		t.Fatal("a grant with no basis skips the holder's approval")
	}
}
