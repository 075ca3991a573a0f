package resolvers_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"

	"github.com/ponte-bff/ponte/graph"
	"github.com/ponte-bff/ponte/internal/nulinputs"
	"github.com/ponte-bff/ponte/resolvers"
)

// TestNULInAnyStringInputIsRefusedBeforeTheResolver sends a NUL in every string input of every
// root field to resolvers without services: a resolver that ran would panic, so each answer
// proves the refusal came first. Mutations with userErrors answer a userError INVALID at the
// input's path; other fields BAD_USER_INPUT with that path.
func TestNULInAnyStringInputIsRefusedBeforeTheResolver(t *testing.T) {
	es := graph.NewExecutableSchema(resolvers.Config(&resolvers.Resolver{}))
	exec := executor.New(es)
	exec.AroundFields(resolvers.RefuseNUL)
	log := slog.New(slog.DiscardHandler)
	exec.SetErrorPresenter(resolvers.PresentError(log))
	exec.SetRecoverFunc(resolvers.Recover(log))
	cases := nulinputs.Cases(es.Schema())
	if len(cases) < 30 {
		t.Fatalf("only %d string inputs found in the schema", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			ctx := graphql.StartOperationTrace(context.Background())
			oc, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: c.Query, Variables: c.Variables})
			if errs != nil {
				t.Fatalf("%s: %v", c.Query, errs)
			}
			handler, ctx := exec.DispatchOperation(ctx, oc)
			resp := handler(ctx)
			if resp == nil {
				t.Fatal("no response")
			}
			checkNULRefusal(t, c, resp.Data, resp.Errors.Error(), func() (string, any) {
				if len(resp.Errors) == 0 {
					return "", nil
				}
				code, _ := resp.Errors[0].Extensions["code"].(string)
				return code, resp.Errors[0].Extensions["field"]
			})
		})
	}
}

func checkNULRefusal(t *testing.T, c nulinputs.Case, data json.RawMessage, errText string, firstError func() (string, any)) {
	t.Helper()
	if c.UserErrors {
		var out map[string]struct {
			UserErrors []struct {
				Field []string
				Code  string
			}
		}
		if err := json.Unmarshal(data, &out); err != nil || len(out[c.Field].UserErrors) != 1 {
			t.Fatalf("want one userError; data %s, errors %s", data, errText)
		}
		ue := out[c.Field].UserErrors[0]
		if ue.Code != "INVALID" || !slices.Equal(ue.Field, c.Path) {
			t.Fatalf("userError %+v, want INVALID at %v", ue, c.Path)
		}
		return
	}
	code, field := firstError()
	got, _ := json.Marshal(field)
	want, _ := json.Marshal(c.Path)
	if code != "BAD_USER_INPUT" || string(got) != string(want) {
		t.Fatalf("error %s (code %q, field %s), want BAD_USER_INPUT at %s", errText, code, got, want)
	}
}
