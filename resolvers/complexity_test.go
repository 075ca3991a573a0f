package resolvers

import (
	"context"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ponte-bff/ponte/graph"
)

// TestEveryListCostsItsFirst walks the schema for every field that takes `first` and checks
// that its cost is its children's times first (capped at 100, default 20), so that a new list
// cannot be left at gqlgen's default of 1 + children, as Account.payments and webhookDeliveries
// once were.
func TestEveryListCostsItsFirst(t *testing.T) {
	es := graph.NewExecutableSchema(Config(&Resolver{}))
	const child = 7
	checked := 0
	for _, typ := range es.Schema().Types {
		if typ.Kind != ast.Object || strings.HasPrefix(typ.Name, "__") {
			continue
		}
		for _, f := range typ.Fields {
			if f.Arguments.ForName("first") == nil {
				continue
			}
			args := map[string]any{}
			for _, a := range f.Arguments { // the required arguments, with some value of their type
				if a.Type.NonNull && a.Type.NamedType == "String" {
					args[a.Name] = "x"
				}
			}
			for first, want := range map[any]int{nil: 1 + 20*child, 5: 1 + 5*child, 100: 1 + 100*child, 1000: 1 + 100*child} {
				if first != nil {
					args["first"] = first
				} else {
					delete(args, "first")
				}
				got, ok := es.Complexity(context.Background(), typ.Name, f.Name, child, args)
				if !ok || got != want {
					t.Errorf("%s.%s(first: %v) costs %d (set: %v), want %d", typ.Name, f.Name, first, got, ok, want)
				}
			}
			checked++
		}
	}
	if checked < 7 {
		t.Fatalf("only %d list fields with first: the walk is broken", checked)
	}
}
