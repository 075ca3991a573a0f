package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ponte-bff/ponte/internal/testdb"
)

// runNode runs script of the npm package in testdata/<pkg> (installed by .ci/run with npm ci)
// with args and decodes its stdout, one JSON value, into out.
func runNode(t *testing.T, pkg, probe, script string, out any, args ...string) {
	t.Helper()
	dir := filepath.Join("testdata", pkg)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", probe)); err != nil {
		t.Fatalf("%s is not installed: run (cd %s && npm ci)", pkg, dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("node %s printed %s: %v", script, raw, err)
	}
}

// TestGraphQLHTTPAudit runs the GraphQL-over-HTTP audit suite of the npm package graphql-http
// (serverAudits; testdata/graphql-http-audit) against the endpoint: no audit may warn or fail.
// Its MAY audits report "notice" when a choice is allowed either way.
func TestGraphQLHTTPAudit(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	var results []struct{ ID, Name, Status, Reason string }
	runNode(t, "graphql-http-audit", "graphql-http", "audit.mjs", &results, s.URL+"/graphql", tenantToken(t, s))
	if len(results) < 40 {
		t.Fatalf("only %d audits ran", len(results))
	}
	for _, r := range results {
		if r.Status != "ok" && r.Status != "notice" {
			t.Errorf("%s %s: %s: %s", r.ID, r.Name, r.Status, r.Reason)
		}
	}
}

// deferredBalanceQuery reads an account at once and its balance in a deferred part.
const deferredBalanceQuery = `query AccountWithDeferredBalance($id: ID!) {
  account(id: $id) {
    id
    name
    status
    ... @defer {
      balance { available { amount } }
    }
  }
}`

// TestApolloClientWithPersistedQueriesAndDefer runs Apollo Client (testdata/apollo-client-check)
// with its persisted-queries link and a @defer query, twice: the first run sends the hash, is
// asked for the text and sends it; the second sends the hash alone. Both get the whole account,
// the deferred balance included, over multipart/mixed.
func TestApolloClientWithPersistedQueriesAndDefer(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	acc := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[5].Raw)
	deposit(t, s, tok, acc, "1234.56", "apollo-dep")
	vars, _ := json.Marshal(map[string]any{"id": acc})
	var out struct {
		Results  []json.RawMessage
		Requests []struct {
			SentQuery                 bool
			Hash, Accept, ContentType string
			Status                    int
		}
	}
	runNode(t, "apollo-client-check", "@apollo/client", "check.mjs", &out, s.URL+"/graphql", tok, deferredBalanceQuery, string(vars))
	want := fmt.Sprintf(`{"account":{"__typename":"Account","id":%q,"name":"Empresa Exemplo","status":"APPROVED","balance":{"__typename":"Balance","available":{"__typename":"Money","amount":"1234.56"}}}}`, acc)
	if len(out.Results) != 2 {
		t.Fatalf("results: %s", out.Results)
	}
	for i, r := range out.Results {
		if string(r) != want {
			t.Errorf("run %d: %s\nwant %s", i+1, r, want)
		}
	}
	reqs := out.Requests
	if len(reqs) != 3 || reqs[0].SentQuery || !reqs[1].SentQuery || reqs[2].SentQuery ||
		reqs[0].Hash == "" || reqs[1].Hash != reqs[0].Hash || reqs[2].Hash != reqs[0].Hash {
		t.Fatalf("APQ exchange: %+v", reqs)
	}
	for _, r := range reqs[1:] {
		if r.Status != http.StatusOK || !strings.HasPrefix(r.ContentType, "multipart/mixed") {
			t.Errorf("a deferred answer: %+v", r)
		}
	}
}

// postJSON posts body to /graphql accepting accept, and returns the status and decoded body.
func postJSON(t *testing.T, s *testServer, tok, accept string, body map[string]any) (int, map[string]json.RawMessage) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("HTTP %d: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

// errorCode is the extensions.code of a response's first error.
func errorCode(t *testing.T, body map[string]json.RawMessage) string {
	t.Helper()
	var errs []gqlError
	_ = json.Unmarshal(body["errors"], &errs)
	if len(errs) == 0 {
		return ""
	}
	return fmt.Sprint(errs[0].Extensions["code"])
}

// TestDeferOverASingleResponseIsRefused: a plain POST (one JSON body) cannot carry @defer's later
// parts; it is refused with a coded request error instead of answering null where they belong.
func TestDeferOverASingleResponseIsRefused(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	acc := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[6].Raw)
	body := map[string]any{"query": deferredBalanceQuery, "variables": map[string]any{"id": acc}}
	status, out := postJSON(t, s, tok, "application/json", body)
	if status != http.StatusOK || errorCode(t, out) != "DEFER_REQUIRES_INCREMENTAL_DELIVERY" || string(out["data"]) != "null" {
		t.Fatalf("application/json: HTTP %d %s", status, out)
	}
	status, out = postJSON(t, s, tok, "application/graphql-response+json", body)
	if _, hasData := out["data"]; status != http.StatusBadRequest || errorCode(t, out) != "DEFER_REQUIRES_INCREMENTAL_DELIVERY" || hasData {
		t.Fatalf("application/graphql-response+json: HTTP %d %s", status, out)
	}
	// Through a fragment spread too.
	spread := `query($id: ID!) { account(id: $id) { id ...B @defer } } fragment B on Account { balance { available { amount } } }`
	if status, out := postJSON(t, s, tok, "application/json", map[string]any{"query": spread, "variables": map[string]any{"id": acc}}); errorCode(t, out) != "DEFER_REQUIRES_INCREMENTAL_DELIVERY" {
		t.Fatalf("a deferred fragment spread: HTTP %d %s", status, out)
	}
}

// persistedManifest writes an Apollo persisted query manifest of queries and returns its path.
func persistedManifest(t *testing.T, queries ...string) string {
	t.Helper()
	var ops []map[string]string
	for _, q := range queries {
		sum := sha256.Sum256([]byte(q))
		ops = append(ops, map[string]string{"id": hex.EncodeToString(sum[:]), "body": q, "name": "Op", "type": "query"})
	}
	raw, _ := json.Marshal(map[string]any{"format": "apollo-persisted-query-manifest", "version": 1, "operations": ops})
	path := filepath.Join(t.TempDir(), "persisted-query-manifest.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPersistedOperationsAllowList: with PONTE_PERSISTED_OPERATIONS the endpoint runs the listed
// operations only, named by their hash (the text then optional) or sent in full; anything else is
// refused with PERSISTED_QUERY_NOT_IN_LIST. A manifest whose id is not its body's hash is refused
// at start.
func TestPersistedOperationsAllowList(t *testing.T) {
	t.Parallel()
	listed := `query Who { viewer { kind } }`
	s := startServer(t, map[string]string{"PONTE_PERSISTED_OPERATIONS": persistedManifest(t, listed)})
	tok := tenantToken(t, s)
	sum := sha256.Sum256([]byte(listed))
	byHash := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	for name, body := range map[string]map[string]any{
		"HashOnly":    {"extensions": byHash},
		"HashAndText": {"query": listed, "extensions": byHash},
		"TextOnly":    {"query": listed},
	} {
		if status, out := postJSON(t, s, tok, "application/json", body); status != http.StatusOK || string(out["data"]) != `{"viewer":{"kind":"TENANT"}}` {
			t.Errorf("%s: HTTP %d %s", name, status, out)
		}
	}
	other := sha256.Sum256([]byte(`{ viewer { clientId } }`))
	for name, body := range map[string]map[string]any{
		"AnotherText":         {"query": `{ viewer { clientId } }`},
		"AnotherHash":         {"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(other[:])}}},
		"ListedHashOtherText": {"query": `{ viewer { clientId } }`, "extensions": byHash},
	} {
		if status, out := postJSON(t, s, tok, "application/json", body); status != http.StatusOK || errorCode(t, out) != "PERSISTED_QUERY_NOT_IN_LIST" || string(out["data"]) != "null" {
			t.Errorf("%s: HTTP %d %s", name, status, out)
		}
	}

	bad := persistedManifest(t, listed)
	raw, _ := os.ReadFile(bad)
	if err := os.WriteFile(bad, bytes.Replace(raw, []byte(`viewer { kind }`), []byte(`viewer { clientId }`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(func(k string) string { return map[string]string{"PONTE_PERSISTED_OPERATIONS": bad}[k] }); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("a manifest whose id is not its body's hash: %v", err)
	}
}

// TestProductionRefusesIntrospectionWithACode: in production __schema and __type (directly or
// through a fragment) are refused before the operation runs, with INTROSPECTION_DISABLED rather
// than an INTERNAL error; __typename still answers.
func TestProductionRefusesIntrospectionWithACode(t *testing.T) {
	t.Parallel()
	idp := startServer(t, nil) // only its OpenID Provider is used
	env := map[string]string{
		"PONTE_ENV": "production", "DATABASE_URL": testdb.New(t), "OIDC_ISSUER": idp.Issuer,
		"OIDC_CLIENT_SECRET": "unused-here", "PONTE_RECEIPT_KEY": "production-test-key", "DB_MAX_OPEN_CONNS": "5", "PONTE_WEBHOOK_KEY_SECRET": "production-webhook-key-secret",
	}
	var stdout, stderr bytes.Buffer
	if err := command(context.Background(), []string{"tenant", "add", "--client-id", "demo-erp", "--name", "ERP", "--scopes", "accounts:read"},
		func(k string) string { return env[k] }, &stdout, &stderr); err != nil {
		t.Fatalf("tenant add: %v %s", err, stderr.String())
	}
	prod := startServer(t, env)
	tok := tenantToken(t, idp)
	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "Account") { name } }`,
		`{ viewer { kind } ...S } fragment S on Query { __schema { types { name } } }`,
	} {
		if r := gql(t, prod, tok, q, nil); r.Status != http.StatusOK || r.code() != "INTROSPECTION_DISABLED" || r.Data != nil {
			t.Errorf("%s: HTTP %d %+v", q, r.Status, r.Errors)
		}
	}
	if r := gql(t, prod, tok, `{ __typename viewer { __typename kind } }`, nil); len(r.Errors) > 0 || string(r.Data["viewer"]) != `{"__typename":"Viewer","kind":"TENANT"}` {
		t.Fatalf("__typename: HTTP %d %+v %s", r.Status, r.Errors, r.Data["viewer"])
	}
}

// TestEveryConnectionCountsItsItems: totalCount counts every page with the page's filters, on
// the connections that page through an account's items.
func TestEveryConnectionCountsItsItems(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	acc := approvedAccount(t, s, tok, vectors(t)["cnpj_numeric"].Valid[7].Raw)
	for i := range 3 {
		deposit(t, s, tok, acc, "10.00", fmt.Sprintf("count-dep-%d", i))
	}
	r := gql(t, s, tok, `query($id: ID!) { account(id: $id) {
		one: statement(first: 1) { totalCount nodes { id } }
		credits: statement(direction: CREDIT) { totalCount nodes { id } }
		debits: statement(direction: DEBIT) { totalCount }
		payments(first: 1) { totalCount }
		boletos(first: 1) { totalCount }
		contacts(first: 1) { totalCount }
		payrolls(first: 1) { totalCount }
	} webhookDeliveries(first: 1) { totalCount } }`, map[string]any{"id": acc})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	var a struct {
		One, Credits struct {
			TotalCount int
			Nodes      []struct{ ID string }
		}
		Debits, Payments, Boletos, Contacts, Payrolls struct{ TotalCount int }
	}
	r.decode(t, "account", &a)
	if a.One.TotalCount != 3 || len(a.One.Nodes) != 1 || a.Credits.TotalCount != 3 || len(a.Credits.Nodes) != 3 || a.Debits.TotalCount != 0 ||
		a.Payments.TotalCount != 0 || a.Boletos.TotalCount != 0 || a.Contacts.TotalCount != 0 || a.Payrolls.TotalCount != 0 {
		t.Fatalf("%s", r.Data["account"])
	}
	if string(r.Data["webhookDeliveries"]) != `{"totalCount":0}` {
		t.Fatalf("webhookDeliveries: %s", r.Data["webhookDeliveries"])
	}
	createPayments(t, s, tok, acc, "", "count") // a TED and a barcode payment
	r = gql(t, s, tok, `query($id: ID!) { account(id: $id) { payments(first: 1) { totalCount nodes { id } } none: payments(status: [REJECTED]) { totalCount } } }`,
		map[string]any{"id": acc})
	if string(r.Data["account"]) == "" || !strings.Contains(string(r.Data["account"]), `"totalCount":2,"nodes":[{"id":`) ||
		!strings.Contains(string(r.Data["account"]), `"none":{"totalCount":0}`) {
		t.Fatalf("payments: %+v %s", r.Errors, r.Data["account"])
	}
}
