package apiguard

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// IsPublic reports whether a GraphQL HTTP request is a query that needs no token: every root
// field is one of public (verifyReceipt) or, when introspection is on, reads only the schema
// (__schema, __type, __typename), so that the IDE can show the docs before a token is pasted. Its
// resolvers then run with no caller: a public field must not ask for one. It reads at most limit
// bytes of the body and puts them back for the next handler.
func IsPublic(limit int64, introspection bool, public ...string) func(*http.Request) bool {
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
		m := metaOnly{frags: doc.Fragments, memo: map[string]bool{}, introspection: introspection, public: public}
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
	frags         ast.FragmentDefinitionList
	memo          map[string]bool
	introspection bool     // the schema's meta fields are allowed
	public        []string // and these root fields
}

func (m metaOnly) set(set ast.SelectionSet, depth int) bool {
	if depth > 10 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			meta := s.Name == "__schema" || s.Name == "__type" || s.Name == "__typename"
			if !(meta && m.introspection) && !slices.Contains(m.public, s.Name) {
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
