package consent

import "slices"

// Scope is a permission a consent grants, as the scope strings of auth ("balance:read").
type Scope = string

// Scopes a consent may grant, in the order pages list them.
var Scopes = []Scope{
	"accounts:read", "balance:read", "statement:read", "payments:read",
	"payments:initiate", "boletos:issue", "contacts:manage",
}

// scopeText explains each scope to the holder in Portuguese and English.
var scopeText = map[Scope][2]string{
	"accounts:read":     {"Ver os dados da conta (titular, agência e número)", "See the account's details (holder, branch and number)"},
	"balance:read":      {"Consultar o saldo", "Read the balance"},
	"statement:read":    {"Consultar o extrato", "Read the statement"},
	"payments:read":     {"Consultar pagamentos e transferências", "See payments and transfers"},
	"payments:initiate": {"Criar pagamentos e transferências (cada um precisa da sua aprovação)", "Create payments and transfers (each one needs your approval)"},
	"boletos:issue":     {"Emitir boletos de cobrança", "Issue boletos"},
	"contacts:manage":   {"Gerenciar contatos (favorecidos)", "Manage contacts (payees)"},
}

// IsScope reports whether s is a scope a consent can grant.
func IsScope(s string) bool { return slices.Contains(Scopes, s) }

// scopeSentence is scope as the holder reads it, in Portuguese and English; a scope the pages do
// not know yet is shown as it is rather than hidden.
func scopeSentence(scope Scope) [2]string {
	if t, ok := scopeText[scope]; ok {
		return t
	}
	return [2]string{scope, scope}
}
