package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestBadRequestsNeverGet500: malformed bodies, wrong methods and types, hostile variables and
// foreign IDs each get a 4xx or a coded GraphQL error, never a 500 or a stack trace.
func TestBadRequestsNeverGet500(t *testing.T) {
	t.Parallel()
	s := startServer(t, nil)
	tok := tenantToken(t, s)
	cases := []struct {
		name, method, contentType, body, query string
	}{
		{"MalformedJSON", "POST", "application/json", `{"query": "{ viewer { kind } }"`, ""},
		{"NotJSON", "POST", "application/json", `hello`, ""},
		{"WrongContentType", "POST", "text/plain", `{ viewer { kind } }`, ""},
		{"EmptyQuery", "POST", "application/json", `{"query": ""}`, ""},
		{"MutationOverGET", "GET", "", "", "query=" + "mutation%20%7B%20createAccount(input%3A%20%7Bname%3A%22a%22%2C%20email%3A%22a%40b.co%22%2C%20document%3A%2224843803480%22%7D)%20%7B%20userErrors%20%7B%20code%20%7D%20%7D%20%7D"},
		{"VariablesOfTheWrongType", "POST", "application/json", `{"query": "query($id: ID!) { account(id: $id) { id } }", "variables": {"id": {"nested": true}}}`, ""},
		{"ForeignGlobalID", "POST", "application/json", `{"query": "{ node(id: \"eyJhbGciOiJub25lIn0\") { id } }"}`, ""},
		{"HugeFirst", "POST", "application/json", `{"query": "{ accounts(first: 2147483647) { totalCount } }"}`, ""},
		{"IntOverflow", "POST", "application/json", `{"query": "{ accounts(first: 99999999999999999999) { totalCount } }"}`, ""},
		{"DecimalOverflow", "POST", "application/json", `{"query": "mutation { sandboxDeposit(input: {accountId: \"x\", amount: \"999999999999999999999.99\", idempotencyKey: \"k\"}) { userErrors { code } } }"}`, ""},
		{"BadDate", "POST", "application/json", `{"query": "{ schedulingCalendar(kind: TED, from: \"2026-02-30\", to: \"2026-13-01\") { executionLimitDate } }"}`, ""},
		{"BackwardsCalendar", "POST", "application/json", `{"query": "{ schedulingCalendar(kind: TED, from: \"2026-12-01\", to: \"2026-01-01\") { executionLimitDate } }"}`, ""},
		{"UnknownOperationName", "POST", "application/json", `{"query": "query A { viewer { kind } }", "operationName": "B"}`, ""},
		{"BadEnumVariable", "POST", "application/json", `{"query": "query($k: PaymentKind!) { schedulingCalendar(kind: $k, from: \"2026-01-01\", to: \"2026-01-02\") { executionLimitDate } }", "variables": {"k": "NOPE"}}`, ""},
		{"NullInList", "POST", "application/json", `{"query": "mutation($ids: [ID!]!) { approvePayments(input: {paymentIds: $ids}) { userErrors { code } } }", "variables": {"ids": [null]}}`, ""},
		{"DeepFragments", "POST", "application/json", `{"query": "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"}`, ""},
		{"DecimalAsNumber", "POST", "application/json", `{"query": "mutation($a: Decimal!) { createLimitPlan(input: {name: \"x\", daily: $a, monthly: $a}) { userErrors { code } } }", "variables": {"a": 10.5}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := s.URL + "/graphql"
			if c.query != "" {
				u += "?" + c.query
			}
			req, _ := http.NewRequest(c.method, u, strings.NewReader(c.body))
			req.Header.Set("Authorization", "Bearer "+tok)
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 || strings.Contains(string(body), `"INTERNAL"`) || strings.Contains(string(body), "goroutine") || strings.Contains(string(body), "SQLSTATE") {
				t.Fatalf("HTTP %d: %s", resp.StatusCode, body)
			}
			if resp.StatusCode == 200 && !strings.Contains(string(body), `"code"`) && !strings.Contains(string(body), `"data"`) {
				t.Fatalf("neither data nor a coded error: %s", body)
			}
		})
	}
}
