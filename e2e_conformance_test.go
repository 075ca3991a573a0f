package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
