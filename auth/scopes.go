package auth

// Scopes a tenant's token may carry. The consent scopes (API.md's Scope enum) are the lower-case
// enum names with ':' (BALANCE_READ → "balance:read"); the rest are tenant capabilities.
const (
	ScopeAccountsRead     = "accounts:read"
	ScopeAccountsCreate   = "accounts:create"
	ScopeBalanceRead      = "balance:read"
	ScopeStatementRead    = "statement:read"
	ScopePaymentsRead     = "payments:read"
	ScopePaymentsInitiate = "payments:initiate"
	ScopeBoletosIssue     = "boletos:issue"
	ScopeContactsManage   = "contacts:manage"
	ScopeConsentsRequest  = "consents:request"
)

// TenantScopes are every scope a tenant may be allowed.
var TenantScopes = []string{
	ScopeAccountsRead, ScopeAccountsCreate, ScopeBalanceRead, ScopeStatementRead, ScopePaymentsRead,
	ScopePaymentsInitiate, ScopeBoletosIssue, ScopeContactsManage, ScopeConsentsRequest,
}
