package consent_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/consent"
	"github.com/ponte-bff/ponte/models"
)

// grant stores an AUTHORISED consent of the fixture's tenant on its account, ending at expires.
func (f *fixture) grant(t *testing.T, expires time.Time) uuid.UUID {
	t.Helper()
	c := &models.Consent{TenantID: f.tenant.ID, AccountID: &f.account, Scopes: []string{"accounts:read"}, RedirectURI: "https://erp.example/cb",
		Status: string(consent.StatusAuthorised), LinkExpiresAt: f.now.Add(time.Hour), ExpiresAt: expires}
	if err := f.db.Create(c).Error; err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func (f *fixture) statusOf(t *testing.T, id uuid.UUID) string {
	t.Helper()
	var c models.Consent
	if err := f.db.Where("id = ?", id).Take(&c).Error; err != nil {
		t.Fatal(err)
	}
	return c.Status
}

func TestAGrantsEndRunsTheEndHooksInItsTransaction(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	type call struct {
		tenant, account uuid.UUID
		status          string
		sawEnd          bool
	}
	var calls []call
	fail := false
	f.svc.OnEnd(func(ctx context.Context, tx *gorm.DB, tenant, account uuid.UUID, status string) error {
		// The hook runs in the ending transaction: it already sees the consent's new status.
		var n int64
		if err := tx.Model(&models.Consent{}).Where("tenant_id = ? AND account_id = ? AND status = ?", tenant, account, status).Count(&n).Error; err != nil {
			return err
		}
		calls = append(calls, call{tenant, account, status, n > 0})
		if fail {
			return errors.New("the cash-out could not be stopped")
		}
		return nil
	})

	revoked := f.grant(t, f.now.Add(24*time.Hour))
	if _, err := f.svc.Revoke(ctx, revoked, "holder:maria", nil); err != nil {
		t.Fatal(err)
	}
	lapsed := f.grant(t, f.now.Add(time.Minute))
	f.now = f.now.Add(2 * time.Minute)
	if n, err := f.svc.ExpireDue(ctx); err != nil || n != 1 {
		t.Fatalf("expired %d (%v)", n, err)
	}
	want := []call{{f.tenant.ID, f.account, "REVOKED", true}, {f.tenant.ID, f.account, "EXPIRED", true}}
	if len(calls) != len(want) || calls[0] != want[0] || calls[1] != want[1] {
		t.Fatalf("hook calls %+v, want %+v", calls, want)
	}
	if f.statusOf(t, lapsed) != "EXPIRED" {
		t.Fatal("the lapsed grant did not expire")
	}

	t.Run("ErrAFailingHookKeepsTheConsent", func(t *testing.T) {
		fail = true
		kept := f.grant(t, f.now.Add(24*time.Hour))
		if _, err := f.svc.Revoke(ctx, kept, "holder:maria", nil); err == nil {
			t.Fatal("revoked although the hook failed")
		}
		if f.statusOf(t, kept) != "AUTHORISED" {
			t.Fatalf("%s: the revocation was not rolled back", f.statusOf(t, kept))
		}
	})
}
