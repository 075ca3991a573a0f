package webhooks_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/banking/contacts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/payroll"
	"github.com/ponte-bff/ponte/consent"
	"github.com/ponte-bff/ponte/webhooks"
)

func TestTheDefaultScheduleRetriesForMoreThanADay(t *testing.T) {
	var at time.Duration // since the first attempt
	var times []string
	for n := 1; n < webhooks.DefaultMaxAttempts; n++ {
		d := webhooks.DefaultBackoff(n)
		if n > 1 && d < webhooks.DefaultBackoff(n-1) {
			t.Fatalf("backoff shrinks at %d", n)
		}
		at += d
		times = append(times, at.String())
	}
	if at < 24*time.Hour {
		t.Fatalf("the last attempt comes %s after the first, want at least 24h", at)
	}
	want := []string{"10s", "30s", "1m10s", "2m30s", "5m10s", "10m30s", "21m10s", "42m30s", "1h25m10s", "2h50m30s",
		"5h41m10s", "11h22m30s", "17h22m30s", "23h22m30s", "29h22m30s"}
	if !slices.Equal(times, want) {
		t.Fatalf("schedule %v, documented %v", times, want)
	}
}

// The filterable names are the ones the payment, consent and contact services, the boleto work and
// the ledger write.
func TestEventNamesAreTheNamesTheEventLogUses(t *testing.T) {
	kinds := []payments.Kind{payments.KindInternalTransfer, payments.KindTED, payments.KindBoleto, payments.KindBarcode, payments.KindPayroll}
	statuses := []payments.Status{payments.StatusCreated, payments.StatusApproved, payments.StatusScheduled, payments.StatusDelayed,
		payments.StatusFinished, payments.StatusFailed, payments.StatusRejected, payments.StatusCancelled, payments.StatusExpired, payments.StatusRefunded}
	want := map[string]bool{}
	for _, k := range kinds {
		for _, s := range statuses {
			want[payments.EventName(k, s)] = true
		}
	}
	for _, s := range []consent.Status{consent.StatusAwaiting, consent.StatusAuthorised, consent.StatusRejected, consent.StatusRevoked, consent.StatusExpired} {
		want["consent_"+strings.ToLower(string(s))] = true
	}
	for _, n := range []string{contacts.EventCreated, contacts.EventUpdated, contacts.EventDeleted, "cash_in_internal_transfer", "cash_in_external_transfer", "cash_in_barcode_payment", "cash_in_payment_refund",
		"barcode_payment_invoice_created", "barcode_payment_invoice_registered", "barcode_payment_invoice_settled",
		"barcode_payment_invoice_expired", "barcode_payment_invoice_cancelled"} {
		want[n] = true
	}
	for _, k := range []ledger.Kind{ledger.KindInternal, ledger.KindExternal, ledger.KindExternalRefund, ledger.KindPayment,
		ledger.KindPaymentRefund, ledger.KindFee, "boleto_settlement"} {
		for _, d := range []ledger.Direction{ledger.Credit, ledger.Debit} {
			want[ledger.EntryEventName(k, d)] = true
		}
	}
	for _, s := range []boletos.Status{boletos.StatusCreated, boletos.StatusRegistered, boletos.StatusSettled, boletos.StatusExpired, boletos.StatusCancelled} {
		want[boletos.EventName(s)] = true
	}
	for _, n := range payroll.EventNames() {
		want[n] = true
	}
	names := webhooks.EventNames()
	for n := range want {
		if !webhooks.IsEventName(n) {
			t.Errorf("%s is written to the event log but cannot be filtered on", n)
		}
	}
	if len(names) != len(want) {
		t.Errorf("%d filterable names, %d written", len(names), len(want))
	}
	if !slices.Contains(names, "cash_out_internal_transfer_approved") || !slices.Contains(names, "consent_authorised") {
		t.Errorf("names %v", names)
	}
}

func TestCreateEndpointChecksTheURL(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tenant := e.tenant("erp")
	prod := webhooks.New(e.db, nil, webhooks.Config{})
	dev := webhooks.New(e.db, nil, webhooks.Config{Development: true})
	cases := []struct {
		svc  *webhooks.Service
		env  string
		url  string
		code apperr.Code // "" when accepted
	}{
		{prod, "production", "https://erp.example.com/webhooks", ""},
		{prod, "production", "https://erp.example.com:8443/hooks?tenant=1", ""},
		{prod, "production", "http://erp.example.com/webhooks", apperr.Invalid},
		{prod, "production", "http://localhost:8080/hooks", apperr.Invalid},
		{prod, "production", "https://localhost/hooks", apperr.Invalid},
		{prod, "production", "https://127.0.0.1/hooks", apperr.Invalid},
		{prod, "production", "https://10.0.0.7/hooks", apperr.Invalid},
		{prod, "production", "https://169.254.169.254/latest", apperr.Invalid},
		{prod, "production", "https://[::1]/hooks", apperr.Invalid},
		{prod, "production", "https://user:pass@erp.example.com/hooks", apperr.Invalid},
		{prod, "production", "/webhooks", apperr.Invalid},
		{prod, "production", "erp.example.com/webhooks", apperr.Invalid},
		{prod, "production", "ftp://erp.example.com/webhooks", apperr.Invalid},
		{prod, "production", "https://erp.example.com/hooks#x", apperr.Invalid},
		{prod, "production", "", apperr.Required},
		{dev, "development", "http://localhost:8080/hooks", ""},
		{dev, "development", "http://127.0.0.1:8080/hooks", ""},
		{dev, "development", "http://[::1]:8080/hooks", ""},
		{dev, "development", "http://erp.example.com/hooks", apperr.Invalid},
		{dev, "development", "https://erp.example.com/hooks", ""},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s", c.env, c.url), func(t *testing.T) {
			ep, secret, err := c.svc.CreateEndpoint(ctx, tenant, c.url, "", nil)
			if c.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if ep.URL != c.url || !strings.HasPrefix(secret, "whsec_") {
					t.Fatalf("endpoint %+v, secret %q", ep, secret)
				}
				if err := c.svc.DeleteEndpoint(ctx, tenant, ep.ID); err != nil {
					t.Fatal(err)
				}
				return
			}
			ae, ok := apperr.As(err)
			if !ok || ae.Code != c.code || !slices.Equal(ae.Field, []string{"url"}) {
				t.Fatalf("err = %v, want %s on url", err, c.code)
			}
		})
	}

	t.Run("ErrTooManyEndpoints", func(t *testing.T) {
		for range webhooks.MaxEndpoints {
			if _, _, err := prod.CreateEndpoint(ctx, tenant, "https://erp.example.com/hooks", "", nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := prod.CreateEndpoint(ctx, tenant, "https://erp.example.com/hooks", "", nil); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("endpoint %d: %v", webhooks.MaxEndpoints+1, err)
		}
		list, err := prod.ListEndpoints(ctx, tenant)
		if err != nil || len(list) != webhooks.MaxEndpoints {
			t.Fatalf("%d endpoints, %v", len(list), err)
		}
	})
}

// In production the client itself refuses non-public addresses, whatever the URL says (a public
// name can resolve to a private address).
func TestProductionDeliveriesNeverReachPrivateAddresses(t *testing.T) {
	e := newEnv(t)
	cfg := testConfig()
	cfg.Development = false
	cfg.MaxAttempts = 1
	svc := e.replica("replica-a", cfg)
	tenant := e.tenant("erp")
	rcv := newReceiver(t, 0)
	var ep struct{ ID uuid.UUID }
	// Registered as if it had passed the URL check (say, a DNS name pointing at 127.0.0.1).
	if err := e.db.Raw("INSERT INTO webhook_endpoints (tenant_id, url, secret) VALUES (?, ?, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') RETURNING id",
		tenant, rcv.URL()).Scan(&ep).Error; err != nil {
		t.Fatal(err)
	}
	ev := e.paymentEvent(tenant, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	d := e.waitDelivery(svc, tenant, ep.ID, ev, webhooks.StatusFailed)
	if d.LastError == nil || !strings.Contains(*d.LastError, "non-public address") || d.LastStatusCode != nil {
		t.Fatalf("delivery %+v", d)
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("the private receiver got %d requests", n)
	}
}

// Endpoint creations of one tenant are serialized (webhooks' own lock, not the tenant's row), so
// that racing creations never pass MaxEndpoints; a tenant that does not exist gets NOT_FOUND.
func TestRacingCreationsStayWithinMaxEndpoints(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tenant := e.tenant("erp")
	svc := webhooks.New(e.db, nil, webhooks.Config{})
	var wg sync.WaitGroup
	created := make(chan struct{}, 2*webhooks.MaxEndpoints)
	for range 2 * webhooks.MaxEndpoints {
		wg.Go(func() {
			_, _, err := svc.CreateEndpoint(ctx, tenant, "https://erp.example.com/hooks", "", nil)
			switch {
			case err == nil:
				created <- struct{}{}
			case apperr.CodeOf(err) != apperr.Invalid:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(created) != webhooks.MaxEndpoints {
		t.Fatalf("%d endpoints created, want %d", len(created), webhooks.MaxEndpoints)
	}
	if n := e.count("SELECT count(*) FROM webhook_endpoints WHERE tenant_id = ? AND disabled_at IS NULL", tenant); n != webhooks.MaxEndpoints {
		t.Fatalf("%d live endpoints, want %d", n, webhooks.MaxEndpoints)
	}

	t.Run("ErrNoSuchTenant", func(t *testing.T) {
		if _, _, err := svc.CreateEndpoint(ctx, uuid.New(), "https://erp.example.com/hooks", "", nil); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("err = %v, want NOT_FOUND", err)
		}
	})
}

// A disabled tenant's endpoints get nothing, and the dispatcher still passes its events.
func TestADisabledTenantGetsNoDeliveries(t *testing.T) {
	e := newEnv(t)
	svc, _ := e.unstarted("replica-a", testConfig())
	ctx := context.Background()
	on, off := e.tenant("erp-on"), e.tenant("erp-off")
	for _, tenant := range []uuid.UUID{on, off} {
		if _, _, err := svc.CreateEndpoint(ctx, tenant, newReceiver(t, 0).URL(), "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.Exec("UPDATE tenants SET disabled_at = now() WHERE id = ?", off).Error; err != nil {
		t.Fatal(err)
	}
	toOff := e.paymentEvent(off, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	toOn := e.paymentEvent(on, "cash_out_internal_transfer_approved", "CREATED", "APPROVED")
	e.readable(toOn)
	if n, err := svc.Dispatch(ctx); err != nil || n != 1 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}
	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", toOff.ID); n != 0 {
		t.Errorf("the disabled tenant got %d deliveries", n)
	}
	if n := e.count("SELECT count(*) FROM webhook_deliveries WHERE event_id = ?", toOn.ID); n != 1 {
		t.Errorf("the enabled tenant got %d deliveries", n)
	}
}
