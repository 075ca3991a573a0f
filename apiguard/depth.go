package apiguard

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DepthLimit refuses operations whose selections nest deeper than Max. Introspection subtrees
// (__schema, __type) are not counted: the IDE's own schema query is deep by design.
type DepthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = DepthLimit{}

// ExtensionName names the extension for gqlgen.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate is called once when the handler is built.
func (d DepthLimit) Validate(graphql.ExecutableSchema) error {
	if d.Max < 1 {
		return fmt.Errorf("depth limit must be at least 1")
	}
	return nil
}

// MutateOperationContext measures the operation before it runs. Each fragment's depth is
// measured once, so a fragment spread at many places costs its size once, not once per spread.
func (d DepthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if ctx.Err() != nil {
		return coded("REQUEST_CANCELLED", "the request ended before its operation was measured")
	}
	m := depths{frags: oc.Doc.Fragments, memo: map[string]int{}, visiting: map[string]bool{}}
	if depth := m.set(oc.Operation.SelectionSet); depth > d.Max {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("operation is %d levels deep; the limit is %d", depth, d.Max),
			Extensions: map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"},
		}
	}
	return nil
}

// depths measures how deep selection sets nest, each fragment once.
type depths struct {
	frags    ast.FragmentDefinitionList
	memo     map[string]int // depth of each fragment's selection set
	visiting map[string]bool
}

// set is how many field levels set holds below itself.
func (m depths) set(set ast.SelectionSet) int {
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				continue
			}
			d = 1 + m.set(s.SelectionSet)
		case *ast.InlineFragment:
			d = m.set(s.SelectionSet)
		case *ast.FragmentSpread:
			d = m.fragment(s.Name)
		}
		deepest = max(deepest, d)
	}
	return deepest
}

func (m depths) fragment(name string) int {
	if d, ok := m.memo[name]; ok {
		return d
	}
	if m.visiting[name] { // cycles are a validation error elsewhere; never loop here
		return 0
	}
	f := m.frags.ForName(name)
	if f == nil {
		return 0
	}
	m.visiting[name] = true
	d := m.set(f.SelectionSet)
	delete(m.visiting, name)
	m.memo[name] = d
	return d
}
