package apiguard

import (
	"context"
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Shape is how big a GraphQL document becomes once every fragment spread is expanded, measured
// without expanding it: each fragment is measured once and its size reused at every spread, so a
// chain of fragments that each spread the next twice costs its length, not 2^length.
type Shape struct {
	// Nodes is the number of selections (fields, fragment spreads, inline fragments) of every
	// operation with its spreads expanded; it stops counting past the limit it was measured for.
	Nodes int
	// Repeats is the largest number of fields sharing one response path in an expanded operation
	// (the same field selected again and again): what validation compares pairwise. It is only
	// measured when Nodes is within the limit.
	Repeats int
	// Work is how many selections the measure visited: O(selections written in the document)
	// plus, when Nodes is within the limit, O(Nodes). Never the expansion of an oversized one.
	Work int
}

// Codes of Measure's refusals. A refusal for size uses gqlgen's own complexity code, which
// clients already handle; a fragment cycle or an unused fragment is the validation failure that
// gqlgen would report, only found before validation walks the document.
const (
	codeComplexity = "COMPLEXITY_LIMIT_EXCEEDED"
	codeValidation = "GRAPHQL_VALIDATION_FAILED"
)

// Measure measures doc against maxNodes and maxRepeats and returns a coded error when doc
// exceeds one of them, has a fragment that spreads itself or one that no operation uses. It
// stops with an error when ctx ends.
func Measure(ctx context.Context, doc *ast.QueryDocument, maxNodes, maxRepeats int) (Shape, *gqlerror.Error) {
	m := &measure{ctx: ctx, frags: map[string]*ast.FragmentDefinition{}, nodes: map[string]int{}, state: map[string]int8{}, cap: maxNodes + 1}
	for _, f := range doc.Fragments {
		if _, dup := m.frags[f.Name]; !dup { // duplicates are a validation error; measure the first
			m.frags[f.Name] = f
		}
	}
	var shape Shape
	for _, op := range doc.Operations {
		shape.Nodes = m.add(shape.Nodes, m.setNodes(op.SelectionSet))
		if m.err != nil {
			return Shape{Work: m.work}, m.err
		}
	}
	shape.Work = m.work
	for _, f := range doc.Fragments {
		if m.state[f.Name] != done {
			return shape, coded(codeValidation, "Fragment %q is never used.", f.Name)
		}
	}
	if shape.Nodes > maxNodes {
		return shape, coded(codeComplexity, "operation expands to more than %d selections, the limit", maxNodes)
	}
	for _, op := range doc.Operations {
		p := paths{ids: map[pathKey]int{}, count: map[int]int{}}
		m.repeats(op.SelectionSet, 0, &p)
		shape.Repeats = max(shape.Repeats, p.most)
	}
	shape.Work = m.work
	if m.err != nil {
		return shape, m.err
	}
	if shape.Repeats > maxRepeats {
		return shape, coded(codeComplexity, "operation selects one field %d times at the same path; the limit is %d", shape.Repeats, maxRepeats)
	}
	return shape, nil
}

func coded(code, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}
}

const (
	visiting int8 = 1
	done     int8 = 2
)

type measure struct {
	ctx   context.Context
	frags map[string]*ast.FragmentDefinition
	nodes map[string]int  // expanded size of each fragment measured so far
	state map[string]int8 // visiting or done
	cap   int             // sizes saturate here
	work  int
	err   *gqlerror.Error
}

// add is a+b saturated at the cap, so that no count overflows.
func (m *measure) add(a, b int) int {
	return min(a+b, m.cap)
}

// visit counts one visited selection and checks ctx every 1024.
func (m *measure) visit() bool {
	if m.err != nil {
		return false
	}
	m.work++
	if m.work%1024 == 0 && m.ctx.Err() != nil {
		m.err = coded("REQUEST_CANCELLED", "the request ended before its operation was measured")
	}
	return m.err == nil
}

// setNodes is the expanded size of set, each fragment measured once.
func (m *measure) setNodes(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		if !m.visit() {
			return n
		}
		n = m.add(n, 1)
		switch s := sel.(type) {
		case *ast.Field:
			n = m.add(n, m.setNodes(s.SelectionSet))
		case *ast.InlineFragment:
			n = m.add(n, m.setNodes(s.SelectionSet))
		case *ast.FragmentSpread:
			n = m.add(n, m.fragmentNodes(s.Name))
		}
	}
	return n
}

func (m *measure) fragmentNodes(name string) int {
	switch m.state[name] {
	case done:
		return m.nodes[name]
	case visiting:
		if m.err == nil {
			m.err = coded(codeValidation, "Cannot spread fragment %q within itself.", name)
		}
		return 0
	}
	f, ok := m.frags[name]
	if !ok {
		return 0 // an unknown fragment: validation refuses it
	}
	m.state[name] = visiting
	n := m.setNodes(f.SelectionSet)
	m.state[name], m.nodes[name] = done, n
	return n
}

// pathKey is one response path: its parent's id and the response name (alias or field name).
type pathKey struct {
	parent int
	name   string
}

type paths struct {
	ids   map[pathKey]int
	count map[int]int
	most  int
}

// repeats walks the expansion of set (called only once its size is known to be within the
// limit) and counts the fields at each response path.
func (m *measure) repeats(set ast.SelectionSet, parent int, p *paths) {
	for _, sel := range set {
		if !m.visit() {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			k := pathKey{parent, s.Alias}
			if k.name == "" {
				k.name = s.Name
			}
			id, ok := p.ids[k]
			if !ok {
				id = len(p.ids) + 1
				p.ids[k] = id
			}
			p.count[id]++
			p.most = max(p.most, p.count[id])
			m.repeats(s.SelectionSet, id, p)
		case *ast.InlineFragment:
			m.repeats(s.SelectionSet, parent, p)
		case *ast.FragmentSpread:
			if f, ok := m.frags[s.Name]; ok {
				m.repeats(f.SelectionSet, parent, p)
			}
		}
	}
}
