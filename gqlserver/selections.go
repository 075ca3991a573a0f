package gqlserver

import "github.com/vektah/gqlparser/v2/ast"

// anySelection reports whether match holds for a selection of set, at any depth, following each
// fragment spread once.
func anySelection(doc *ast.QueryDocument, set ast.SelectionSet, match func(ast.Selection) bool) bool {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			if match(sel) {
				return true
			}
			switch s := sel.(type) {
			case *ast.Field:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				if f := doc.Fragments.ForName(s.Name); f != nil && walk(f.SelectionSet) {
					return true
				}
			}
		}
		return false
	}
	return walk(set)
}

// deferred reports whether sel is a fragment with @defer.
func deferred(sel ast.Selection) bool {
	switch s := sel.(type) {
	case *ast.InlineFragment:
		return s.Directives.ForName("defer") != nil
	case *ast.FragmentSpread:
		return s.Directives.ForName("defer") != nil
	}
	return false
}

// introspection reports whether sel reads the schema (__schema, __type); __typename does not.
func introspection(sel ast.Selection) bool {
	f, ok := sel.(*ast.Field)
	return ok && (f.Name == "__schema" || f.Name == "__type")
}
