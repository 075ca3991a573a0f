// Package resolvers translates GraphQL into calls on the domain: authorize through auth's
// Authorizer, call a domain package, map the result. No SQL and no business rule lives here.
package resolvers

import (
	"time"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/banking/accounts"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/banking/payroll"
	"github.com/ponte-bff/ponte/consent"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/graph"
	"github.com/ponte-bff/ponte/graph/model"
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
	ReceiptKey     []byte      // signs receipts' authentication codes
	Hub            *events.Hub // the event log fan-out, for subscriptions
	Webhooks       *webhooks.Service
	PayrollService *payroll.Service
}

// Config returns the gqlgen configuration: resolvers and complexity functions together.
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
	return cfg
}
