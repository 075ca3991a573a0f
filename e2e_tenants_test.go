package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/devidp"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/internal/testdb"
	"github.com/ponte-bff/ponte/reqid"
)

// Tenant administration (issue 15, item 1): `ponte tenant add` on a fresh production database,
// the operator's mutations and queries, who may call them, and disabling a tenant.

// fullResponse is a GraphQL response over HTTP with its headers and extensions.
type fullResponse struct {
	gqlResponse
	Header     http.Header
	Extensions struct {
		Cost *struct {
			RequestedQueryCost int `json:"requestedQueryCost"`
			ActualQueryCost    int `json:"actualQueryCost"`
			ThrottleStatus     *struct {
				MaximumAvailable   int `json:"maximumAvailable"`
				CurrentlyAvailable int `json:"currentlyAvailable"`
				RestoreRate        int `json:"restoreRate"`
			} `json:"throttleStatus"`
		} `json:"cost"`
	}
}

// post is gql with request headers, answering the response's headers and extensions too.
func post(t testing.TB, s *testServer, token, query string, vars map[string]any, header map[string]string) fullResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := fullResponse{gqlResponse: gqlResponse{Status: resp.StatusCode}, Header: resp.Header}
	var parsed struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []gqlError                 `json:"errors"`
	}
	if err := json.Unmarshal(raw, &parsed); err != nil {
		t.Fatalf("response is not JSON (HTTP %d): %s", resp.StatusCode, raw)
	}
	out.Data, out.Errors = parsed.Data, parsed.Errors
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("extensions: %v: %s", err, raw)
	}
	return out
}

// tenantPayload is the payload of the tenant mutations.
type tenantPayload struct {
	Tenant *struct {
		ID            string   `json:"id"`
		ClientID      string   `json:"clientId"`
		Name          string   `json:"name"`
		AllowedScopes []string `json:"allowedScopes"`
		RedirectURIs  []string `json:"redirectUris"`
		Enabled       bool     `json:"enabled"`
		Throttle      struct {
			Capacity    int  `json:"capacity"`
			RestoreRate int  `json:"restoreRate"`
			IsDefault   bool `json:"isDefault"`
		} `json:"throttle"`
	} `json:"tenant"`
	UserErrors []struct {
		Field []string `json:"field"`
		Code  string   `json:"code"`
	} `json:"userErrors"`
}

const tenantFields = `tenant { id clientId name allowedScopes redirectUris enabled throttle { capacity restoreRate isDefault } } userErrors { field code }`

const (
	registerTenantMutation = `mutation($in: RegisterTenantInput!) { registerTenant(input: $in) { ` + tenantFields + ` } }`
	updateTenantMutation   = `mutation($in: UpdateTenantInput!) { updateTenant(input: $in) { ` + tenantFields + ` } }`
	disableTenantMutation  = `mutation($in: DisableTenantInput!) { disableTenant(input: $in) { ` + tenantFields + ` } }`
)

// tenantMutation runs one of the tenant mutations and decodes its payload; it fails on errors.
func tenantMutation(t *testing.T, s *testServer, token, mutation, field string, in map[string]any) tenantPayload {
	t.Helper()
	r := gql(t, s, token, mutation, map[string]any{"in": in})
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", field, r.Errors)
	}
	var p tenantPayload
	r.decode(t, field, &p)
	return p
}

func tenantID(t *testing.T, s *testServer, clientID string) string {
	t.Helper()
	var id string
	if err := s.db.Raw("SELECT id FROM tenants WHERE client_id = ?", clientID).Scan(&id).Error; err != nil || id == "" {
		t.Fatalf("tenant %s: %v", clientID, err)
	}
	return globalid.Encode(globalid.Tenant, uuid.MustParse(id))
}

// TestTenantAddBootstrapsAFreshProductionDatabase registers a tenant with `ponte tenant add` on a
// new database, then starts Ponte in production mode on it, trusting a separate OpenID Provider
// (a development server's): that client's tokens work, an unregistered client's are refused.
func TestTenantAddBootstrapsAFreshProductionDatabase(t *testing.T) {
	t.Parallel()
	idp := startServer(t, nil) // only its OpenID Provider is used
	env := map[string]string{
		"PONTE_ENV": "production", "DATABASE_URL": testdb.New(t), "OIDC_ISSUER": idp.Issuer,
		"OIDC_CLIENT_SECRET": "unused-here", "PONTE_RECEIPT_KEY": "production-test-key", "DB_MAX_OPEN_CONNS": "5", "PONTE_WEBHOOK_KEY_SECRET": "production-webhook-key-secret",
	}
	getenv := func(k string) string { return env[k] }
	add := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := command(context.Background(), append([]string{"tenant", "add"}, args...), getenv, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	out, err := add("--client-id", "demo-erp-2", "--name", "Second ERP", "--scopes", "accounts:read,accounts:create",
		"--redirect-uri", "https://erp.example.com/consent/callback", "--throttle-capacity", "9000")
	if err != nil || !strings.Contains(out, "registered tenant Second ERP") {
		t.Fatalf("tenant add: %v\n%s", err, out)
	}
	if out, err := add("--client-id", "demo-erp-2", "--name", "Again"); err == nil || !strings.Contains(out, "input.clientId") {
		t.Fatalf("a second registration of the client: %v\n%s", err, out)
	}
	if out, err := add("--client-id", "x", "--name", "", "--scopes", "root"); err == nil ||
		!strings.Contains(out, "input.name") || !strings.Contains(out, "input.allowedScopes.0") {
		t.Fatalf("bad input: %v\n%s", err, out)
	}

	prod := startServer(t, env) // on env's database, which the command bootstrapped
	tok := clientToken(t, idp, "demo-erp-2", "demo-erp-2-secret")
	r := gql(t, prod, tok, `{ viewer { kind clientId scopes tenant { name allowedScopes throttle { capacity isDefault } } } }`, nil)
	want := `{"kind":"TENANT","clientId":"demo-erp-2","scopes":["accounts:create","accounts:read"],"tenant":{"name":"Second ERP","allowedScopes":["accounts:read","accounts:create"],"throttle":{"capacity":9000,"isDefault":false}}}`
	if len(r.Errors) > 0 || string(r.Data["viewer"]) != want {
		t.Fatalf("the registered client in production: %+v %s", r.Errors, r.Data["viewer"])
	}
	if r := gql(t, prod, tenantToken(t, idp), `{ viewer { kind } }`, nil); r.Status != http.StatusForbidden || r.code() != "FORBIDDEN" {
		t.Fatalf("an unregistered client: HTTP %d %+v", r.Status, r.Errors)
	}
	db, err := database.Open(context.Background(), env["DATABASE_URL"], database.Pool{MaxOpen: 1, MaxIdle: 1, MaxLifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	var actor string
	if err := db.Raw("SELECT actor FROM events WHERE name = 'tenant_registered'").Scan(&actor).Error; err != nil || !strings.HasPrefix(actor, "cli:") {
		t.Fatalf("audit event of the command: %q %v", actor, err)
	}
}

// TestOperatorRegistersUpdatesAndListsTenants drives the operator's operations over GraphQL and
// checks their audit events: who, what, when and the request.
func TestOperatorRegistersUpdatesAndListsTenants(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	op := operatorToken(t, s)

	bad := tenantMutation(t, s, op, registerTenantMutation, "registerTenant", map[string]any{
		"clientId": "demo-erp", "name": " ", "allowedScopes": []string{"accounts:read", "everything"}, "redirectUris": []string{"javascript:alert(1)"}})
	var fields []string
	for _, e := range bad.UserErrors {
		fields = append(fields, strings.Join(e.Field, ".")+":"+e.Code)
	}
	if bad.Tenant != nil || !slices.Equal(fields, []string{"input.name:REQUIRED", "input.allowedScopes.1:INVALID", "input.redirectUris.0:INVALID"}) {
		t.Fatalf("bad input: %+v", fields)
	}
	if dup := tenantMutation(t, s, op, registerTenantMutation, "registerTenant", map[string]any{
		"clientId": "demo-erp", "name": "Copy", "allowedScopes": []string{}, "redirectUris": []string{}}); len(dup.UserErrors) != 1 ||
		strings.Join(dup.UserErrors[0].Field, ".") != "input.clientId" {
		t.Fatalf("an already registered client: %+v", dup)
	}

	reg := tenantMutation(t, s, op, registerTenantMutation, "registerTenant", map[string]any{
		"clientId": "new-erp", "name": "New ERP", "allowedScopes": []string{"accounts:read"}, "redirectUris": []string{"https://new.example.com/cb"}})
	if reg.Tenant == nil || len(reg.UserErrors) > 0 || !reg.Tenant.Enabled || !reg.Tenant.Throttle.IsDefault {
		t.Fatalf("registerTenant: %+v", reg)
	}
	upd := tenantMutation(t, s, op, updateTenantMutation, "updateTenant", map[string]any{
		"tenantId": reg.Tenant.ID, "name": "Renamed ERP", "allowedScopes": []string{"accounts:read", "payments:read"}, "throttleCapacity": 500, "throttleRestoreRate": 5})
	if u := upd.Tenant; u == nil || u.Name != "Renamed ERP" || !slices.Equal(u.AllowedScopes, []string{"accounts:read", "payments:read"}) ||
		u.Throttle.Capacity != 500 || u.Throttle.RestoreRate != 5 || u.Throttle.IsDefault || !slices.Equal(u.RedirectURIs, []string{"https://new.example.com/cb"}) {
		t.Fatalf("updateTenant: %+v", upd)
	}
	if back := tenantMutation(t, s, op, updateTenantMutation, "updateTenant", map[string]any{
		"tenantId": reg.Tenant.ID, "throttleCapacity": 0, "throttleRestoreRate": 0}); !back.Tenant.Throttle.IsDefault {
		t.Fatalf("back to the default throttle: %+v", back)
	}
	if nf := tenantMutation(t, s, op, disableTenantMutation, "disableTenant", map[string]any{
		"tenantId": globalid.Encode(globalid.Tenant, uuid.MustParse("00000000-0000-4000-8000-000000000001"))}); len(nf.UserErrors) != 1 || nf.UserErrors[0].Code != "NOT_FOUND" {
		t.Fatalf("disabling a tenant that does not exist: %+v", nf)
	}

	// Pages of tenants, oldest first: the three demo tenants, then the new one.
	var seen []string
	after := any(nil)
	for {
		r := gql(t, s, op, `query($after: String) { tenants(first: 3, after: $after) { totalCount nodes { clientId } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after})
		var page struct {
			TotalCount int
			Nodes      []struct{ ClientID string }
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
		}
		r.decode(t, "tenants", &page)
		if page.TotalCount != 4 {
			t.Fatalf("totalCount %d", page.TotalCount)
		}
		for _, n := range page.Nodes {
			seen = append(seen, n.ClientID)
		}
		if !page.PageInfo.HasNextPage {
			break
		}
		after = page.PageInfo.EndCursor
	}
	if len(seen) != 4 || seen[3] != "new-erp" {
		t.Fatalf("tenants: %v", seen)
	}
	if r := gql(t, s, op, `query($id: ID!) { tenant(id: $id) { name } }`, map[string]any{"id": reg.Tenant.ID}); string(r.Data["tenant"]) != `{"name":"Renamed ERP"}` {
		t.Fatalf("tenant(id): %+v %s", r.Errors, r.Data["tenant"])
	}

	var audit []struct {
		Name, Actor, Reason string
		RequestID           *string
		OccurredAt          time.Time
	}
	if err := s.db.Raw("SELECT name, actor, reason, request_id, occurred_at FROM events WHERE topic = 'tenant' ORDER BY id").Scan(&audit).Error; err != nil {
		t.Fatal(err)
	}
	if len(audit) != 3 || audit[0].Name != "tenant_registered" || audit[1].Name != "tenant_updated" || audit[2].Name != "tenant_updated" ||
		!strings.Contains(audit[1].Reason, "name, allowedScopes, throttleCapacity, throttleRestoreRate") {
		t.Fatalf("audit events: %+v", audit)
	}
	for _, e := range audit {
		if !strings.HasPrefix(e.Actor, "operator:") || e.RequestID == nil || *e.RequestID == "" || e.OccurredAt.IsZero() {
			t.Fatalf("an audit event without who, when or request: %+v", e)
		}
	}
}

// TestDisableTenantRefusesItsNextRequestAndClosesItsSockets disables a tenant with the
// operator's mutation: its open WebSocket closes with 4403 and its next request is FORBIDDEN,
// another tenant goes on, and the event names the operator, the reason and the request.
func TestDisableTenantRefusesItsNextRequestAndClosesItsSockets(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok, other := tenantToken(t, s), tenant2Token(t, s)
	requestConsent(t, s, tok, map[string]any{"accountId": demoAccountID(t, s), "scopes": []string{"ACCOUNTS_READ"}}) // an event to replay
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws := openWSStream(t, ctx, s, tok, consentStreamQuery, map[string]any{})
	idle := openIdleSocket(t, ctx, s, tok)

	r := post(t, s, operatorToken(t, s), disableTenantMutation, map[string]any{"in": map[string]any{"tenantId": tenantID(t, s, "demo-erp"), "reason": "contract ended"}},
		map[string]string{reqid.Header: "disable-request-1"})
	var p tenantPayload
	r.decode(t, "disableTenant", &p)
	if p.Tenant == nil || p.Tenant.Enabled || len(p.UserErrors) > 0 {
		t.Fatalf("disableTenant: %+v %+v", r.Errors, p)
	}
	disabled := time.Now()
	if r := gql(t, s, tok, `{ viewer { kind } }`, nil); r.Status != http.StatusForbidden || r.code() != "FORBIDDEN" {
		t.Fatalf("the disabled tenant's next request: HTTP %d %+v", r.Status, r.Errors)
	}
	checkEnd(t, "the WebSocket", ended(t, ctx, "the WebSocket", ws.end), disabled, auth.CloseForbidden, "")
	checkEnd(t, "the idle socket", ended(t, ctx, "the idle socket", idle.end), disabled, auth.CloseForbidden, "")
	if r := gql(t, s, other, `{ viewer { kind } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("another tenant: %+v", r.Errors)
	}
	var e struct{ Actor, Reason, RequestID string }
	if err := s.db.Raw("SELECT actor, reason, request_id FROM events WHERE name = 'tenant_disabled'").Scan(&e).Error; err != nil ||
		!strings.HasPrefix(e.Actor, "operator:") || e.Reason != "contract ended" || e.RequestID != "disable-request-1" {
		t.Fatalf("audit event: %+v %v", e, err)
	}
	if again := tenantMutation(t, s, operatorToken(t, s), disableTenantMutation, "disableTenant", map[string]any{"tenantId": tenantID(t, s, "demo-erp")}); len(again.UserErrors) != 1 || again.UserErrors[0].Code != "INVALID_STATE" {
		t.Fatalf("disabling twice: %+v", again)
	}
	if back := tenantMutation(t, s, operatorToken(t, s), updateTenantMutation, "updateTenant", map[string]any{"tenantId": tenantID(t, s, "demo-erp"), "enabled": true}); back.Tenant == nil || !back.Tenant.Enabled {
		t.Fatalf("enabling again: %+v", back)
	}
	if r := gql(t, s, tok, `{ viewer { kind } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("the tenant enabled again: %+v", r.Errors)
	}
}

// adminOps are the operator's tenant operations: TestOperatorMatrix proves only an operator may
// call them, and that a refused call changes nothing.
var adminOps = []struct{ name, query string }{
	{"registerTenant", `mutation { registerTenant(input: {clientId: "matrix-erp", name: "Matrix", allowedScopes: [], redirectUris: []}) { tenant { id } userErrors { code } } }`},
	{"updateTenant", `mutation($id: ID!) { updateTenant(input: {tenantId: $id, name: "Hijacked", throttleCapacity: 1}) { tenant { id } userErrors { code } } }`},
	{"disableTenant", `mutation($id: ID!) { disableTenant(input: {tenantId: $id}) { tenant { id } userErrors { code } } }`},
	{"tenants", `{ tenants(first: 5) { nodes { id clientId } } }`},
	{"tenant", `query($id: ID!) { tenant(id: $id) { id allowedScopes } }`},
	{"tenantRegistration", `query($id: ID!) { node(id: $id) { ... on Tenant { allowedScopes redirectUris enabled disabledAt createdAt throttle { capacity } } } }`},
}

func TestOperatorMatrix(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	target := tenantID(t, s, "demo-erp-2")
	callers := map[string]string{
		"tenant": tenantToken(t, s), "tenant without accounts:read": clientToken(t, s, devidp.DemoNoAccountsReadClientID, devidp.DemoNoAccountsReadClientID+"-secret"),
		"holder": holderTokens(t, s).AccessToken,
	}
	for who, tok := range callers {
		for _, op := range adminOps {
			r := gql(t, s, tok, op.query, map[string]any{"id": target})
			if r.code() != "FORBIDDEN" || strings.Contains(string(r.Data[op.name]), "demo-erp") {
				t.Errorf("%s called %s: %+v %s", who, op.name, r.Errors, r.Data)
			}
		}
	}
	var changed int64
	s.db.Raw("SELECT count(*) FROM tenants WHERE client_id = 'matrix-erp' OR name = 'Hijacked' OR disabled_at IS NOT NULL").Scan(&changed)
	if changed != 0 {
		t.Fatalf("a refused call changed %d tenants", changed)
	}
	// A tenant reads its own registration, never another's.
	own := gql(t, s, tenant2Token(t, s), `query($id: ID!) { node(id: $id) { ... on Tenant { allowedScopes } } viewer { tenant { throttle { capacity } } } }`, map[string]any{"id": target})
	if len(own.Errors) > 0 || !strings.Contains(string(own.Data["node"]), "accounts:read") {
		t.Fatalf("its own registration: %+v %s", own.Errors, own.Data)
	}
	op := operatorToken(t, s)
	for _, o := range adminOps {
		if r := gql(t, s, op, o.query, map[string]any{"id": target}); len(r.Errors) > 0 || strings.Contains(string(r.Data[o.name]), `"code"`) {
			t.Errorf("operator %s: %+v %s", o.name, r.Errors, r.Data)
		}
	}
}
