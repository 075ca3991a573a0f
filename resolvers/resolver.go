// Package resolvers translates GraphQL into calls on the domain: authorize through auth's
// Authorizer, call a domain package, map the result. No SQL and no business rule lives here.
package resolvers

import (
	"time"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/boletos"
	"github.com/ponte-bff/ponte/banking/contacts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/payroll"
	"github.com/ponte-bff/ponte/consent"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/graph"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/internal/ratelimit"
	"github.com/ponte-bff/ponte/tenants"
	"github.com/ponte-bff/ponte/throttle"
	"github.com/ponte-bff/ponte/webhooks"
)

// Resolver holds the services every resolver may call.
type Resolver struct {
	Authz          *auth.Authorizer
	AccountService *accounts.Service
	ConsentService *consent.Service
	Ledger         *ledger.Service
	Sandbox        bool // sandbox-only operations (sandboxDeposit) are allowed
	PaymentService *payments.Service
	ReceiptKey     []byte // signs receipts' authentication codes
	// ReceiptVerifyLimit limits the public verifyReceipt per client address.
	ReceiptVerifyLimit *ratelimit.Limiter
	Hub                *events.Hub // the event log fan-out, for subscriptions
	Webhooks           *webhooks.Service
	TenantService      *tenants.Service  // tenant administration (operators)
	Buckets            *throttle.Buckets // the callers' query-cost buckets (rateLimit, Tenant.throttle)
	ContactService     *contacts.Service
	BoletoService      *boletos.Service
	PayrollService     *payroll.Service
}

// Config returns the gqlgen configuration: resolvers and complexity functions together. Every
// field that takes `first` costs its children times `first` (default 20, at most 100): the cost
// each operation is charged (apiguard.Cost); TestEveryListCostsItsFirst keeps it so.
func Config(r *Resolver) graph.Config {
	cfg := graph.Config{Resolvers: r}
	connection := func(childComplexity int, first *int, _ *string) int {
		n := 20
		if first != nil && *first > 0 {
			n = min(*first, 100)
		}
		return 1 + n*childComplexity
	}
	cfg.Complexity.Query.Accounts = connection
	cfg.Complexity.Account.Statement = func(child int, first *int, after *string, _, _ *time.Time, _ *model.EntryDirection) int {
		return connection(child, first, after)
	}
	cfg.Complexity.Account.Payrolls = connection
	cfg.Complexity.Payroll.Salaries = connection
	cfg.Complexity.Query.Consents = func(child int, first *int, after *string, _ []model.ConsentStatus) int {
		return connection(child, first, after)
	}
	cfg.Complexity.Account.Payments = func(child int, first *int, after *string, _ []model.PaymentStatus) int {
		return connection(child, first, after)
	}
	cfg.Complexity.Query.WebhookDeliveries = func(child int, first *int, after *string, _ *string, _ *model.WebhookDeliveryStatus, _ *string) int {
		return connection(child, first, after)
	}
	cfg.Complexity.Query.Institutions = func(child int, _ string, first *int) int {
		return connection(child, first, nil)
	}
	cfg.Complexity.Query.Tenants = connection
	cfg.Complexity.Account.Boletos = func(child int, first *int, after *string, _ []model.BoletoStatus, _ *model.BoletoKind, _, _ *time.Time) int {
		return connection(child, first, after)
	}
	cfg.Complexity.Account.Contacts = func(child int, first *int, after *string, _ *string) int {
		return connection(child, first, after)
	}
	return cfg
}
