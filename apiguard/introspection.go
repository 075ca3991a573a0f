package apiguard

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// IsIntrospectionOnly reports whether a GraphQL HTTP request only reads the schema (every root
// field is __schema, __type or __typename), so that the IDE can show the docs before a token is
// pasted. It reads at most limit bytes of the body and puts them back for the next handler.
func IsIntrospectionOnly(limit int64) func(*http.Request) bool {
	return func(r *http.Request) bool {
		var query string
		switch r.Method {
		case http.MethodGet:
			query = r.URL.Query().Get("query")
		case http.MethodPost:
			body, err := io.ReadAll(io.LimitReader(r.Body, limit))
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
			if err != nil {
				return false
			}
			var req struct {
				Query string `json:"query"`
			}
			if json.Unmarshal(body, &req) != nil {
				return false
			}
			query = req.Query
		default:
			return false
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil || len(doc.Operations) == 0 {
			return false
		}
		m := metaOnly{frags: doc.Fragments, memo: map[string]bool{}}
		for _, op := range doc.Operations {
			if op.Operation != ast.Query || !m.set(op.SelectionSet, 0) {
				return false
			}
		}
		return true
	}
}

// metaOnly decides whether selection sets read only the schema, each fragment once: this runs
// before authentication, so a chain of fragments that spread the next many times must not cost
// more than its length.
type metaOnly struct {
	frags ast.FragmentDefinitionList
	memo  map[string]bool
}

func (m metaOnly) set(set ast.SelectionSet, depth int) bool {
	if depth > 10 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name != "__schema" && s.Name != "__type" && s.Name != "__typename" {
				return false
			}
		case *ast.InlineFragment:
			if !m.set(s.SelectionSet, depth+1) {
				return false
			}
		case *ast.FragmentSpread:
			ok, seen := m.memo[s.Name]
			if !seen {
				m.memo[s.Name] = false // while it is being read: a cycle is not introspection
				f := m.frags.ForName(s.Name)
				ok = f != nil && m.set(f.SelectionSet, depth+1)
				m.memo[s.Name] = ok
			}
			if !ok {
				return false
			}
		}
	}
	return true
}
