package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/models"
)

// endsWithin waits for a guarded stream's context to end.
func endsWithin(t *testing.T, what string, ctx context.Context, d time.Duration) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(d):
		t.Fatalf("%s: the stream did not end within %s", what, d)
	}
}

func TestAStreamGuardEndsTheStreamWhenItsGroundsGo(t *testing.T) {
	r := setup(t)
	z := auth.NewAuthorizer(r.db, payments{})
	tenantCtx := func(expiry time.Time) context.Context {
		return auth.WithCaller(context.Background(), &auth.Caller{Kind: auth.KindTenant, ClientID: "erp", Tenant: r.tenant,
			Scopes: auth.TenantScopes, Expiry: expiry})
	}
	changed := &models.Event{Topic: models.EventTopicConsent, TenantID: &r.tenant.ID}

	t.Run("ErrRefusedAtOpen", func(t *testing.T) {
		if _, err := z.GuardStream(tenantCtx(time.Now().Add(time.Hour)), auth.ActionReadPayments, []uuid.UUID{r.others}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("a stream about someone else's account: %v, want FORBIDDEN", err)
		}
	})

	t.Run("TheTokenExpires", func(t *testing.T) {
		ctx := tenantCtx(time.Now().Add(300 * time.Millisecond))
		g, err := z.GuardStream(ctx, auth.ActionReadPayments, nil)
		if err != nil {
			t.Fatal(err)
		}
		endsWithin(t, "token expiry", g.Watch(ctx), 2*time.Second)
	})

	t.Run("TheConsentIsRevoked", func(t *testing.T) {
		consent := r.consent(t, r.own, "AUTHORISED", time.Now().Add(time.Hour), "payments:read")
		ctx := tenantCtx(time.Now().Add(time.Hour))
		g, err := z.GuardStream(ctx, auth.ActionReadPayments, []uuid.UUID{r.own, r.company})
		if err != nil {
			t.Fatal(err)
		}
		sub := g.Watch(ctx)
		g.Notice(&models.Event{Topic: models.EventTopicPayment, TenantID: &r.tenant.ID}) // a payment's event changes nothing
		must(t, r.db.Model(&models.Consent{}).Where("id = ?", consent).Update("status", "REVOKED").Error)
		g.Notice(changed)
		endsWithin(t, "revocation", sub, time.Second)
	})

	t.Run("TheConsentExpires", func(t *testing.T) {
		r.consent(t, r.own, "AUTHORISED", time.Now().Add(500*time.Millisecond), "payments:read")
		ctx := tenantCtx(time.Now().Add(time.Hour))
		g, err := z.GuardStream(ctx, auth.ActionReadPayments, []uuid.UUID{r.own})
		if err != nil {
			t.Fatal(err)
		}
		endsWithin(t, "consent expiry", g.Watch(ctx), 2*time.Second) // no event: the guard knew the end
	})

	t.Run("TheTenantIsDisabled", func(t *testing.T) {
		ctx := tenantCtx(time.Now().Add(time.Hour))
		g, err := z.GuardStream(ctx, auth.ActionReadPayments, []uuid.UUID{r.company}) // its own account
		if err != nil {
			t.Fatal(err)
		}
		sub := g.Watch(ctx)
		if sub.Err() != nil {
			t.Fatal("a stream on the tenant's own account ended while nothing changed")
		}
		must(t, r.db.Model(r.tenant).Update("disabled_at", time.Now()).Error)
		g.Notice(&models.Event{Topic: models.EventTopicTenant, TenantID: &r.tenant.ID})
		endsWithin(t, "tenant disabled", sub, time.Second)
	})
}
