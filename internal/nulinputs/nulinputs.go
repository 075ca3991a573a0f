// Package nulinputs generates, from a GraphQL schema, one request per string input of every root
// field (each argument and each String field of an input object, at any depth) with a NUL
// character (U+0000) in that one place and valid values everywhere else. Tests send them to
// prove that no string input reaches the database with a NUL. It is used by tests only.
package nulinputs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Case is one request: Query with Variables, whose NUL is at Path (["input", "target", "name"])
// of root field Field of Operation (query, mutation or subscription).
type Case struct {
	Name       string // Mutation.createAccount(input.name)
	Operation  string
	Field      string
	Query      string
	Variables  map[string]any
	Path       []string
	UserErrors bool // the field's payload has userErrors: the refusal is a userError
}

// NUL is the value put at the case's path.
const NUL = "nul\u0000here"

// Cases returns a case for every string input of every root field of schema, in a stable order.
func Cases(schema *ast.Schema) []Case {
	var out []Case
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		if root == nil {
			continue
		}
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") || len(f.Arguments) == 0 {
				continue
			}
			for _, path := range stringPaths(schema, f.Arguments) {
				out = append(out, build(schema, root, f, path))
			}
		}
	}
	return out
}

// stringPaths lists the paths of every String position in args (lists: their first element).
func stringPaths(schema *ast.Schema, args ast.ArgumentDefinitionList) [][]string {
	var out [][]string
	var walk func(t *ast.Type, path []string, depth int)
	walk = func(t *ast.Type, path []string, depth int) {
		if t.Elem != nil {
			walk(t.Elem, append(slices.Clone(path), "0"), depth)
			return
		}
		if t.NamedType == "String" {
			out = append(out, slices.Clone(path))
			return
		}
		def := schema.Types[t.NamedType]
		if def == nil || def.Kind != ast.InputObject || depth > 4 {
			return
		}
		for _, f := range def.Fields {
			walk(f.Type, append(slices.Clone(path), f.Name), depth+1)
		}
	}
	for _, a := range args {
		walk(a.Type, []string{a.Name}, 0)
	}
	return out
}

func build(schema *ast.Schema, root *ast.Definition, f *ast.FieldDefinition, nulAt []string) Case {
	c := Case{Operation: strings.ToLower(root.Name), Field: f.Name, Variables: map[string]any{}, Path: nulAt}
	c.Name = fmt.Sprintf("%s.%s(%s)", root.Name, f.Name, strings.Join(nulAt, "."))
	var decls, args []string
	for _, a := range f.Arguments {
		v, set := value(schema, a.Type, []string{a.Name}, nulAt, 0)
		if !set && !a.Type.NonNull {
			continue // an optional argument away from the NUL: leave it out
		}
		decls = append(decls, fmt.Sprintf("$%s: %s", a.Name, a.Type.String()))
		args = append(args, fmt.Sprintf("%s: $%s", a.Name, a.Name))
		c.Variables[a.Name] = v
	}
	sel := selection(schema, f.Type)
	if t := schema.Types[f.Type.Name()]; t != nil && t.Fields.ForName("userErrors") != nil {
		c.UserErrors = true
		sel = "{ userErrors { field code message } }"
	}
	c.Query = fmt.Sprintf("%s(%s) { %s(%s) %s }", c.Operation, strings.Join(decls, ", "), f.Name, strings.Join(args, ", "), sel)
	return c
}

// value is a valid value of t, holding NUL where path is nulAt; set reports whether nulAt is
// inside it (so that optional values away from the NUL can be left out).
func value(schema *ast.Schema, t *ast.Type, path, nulAt []string, depth int) (any, bool) {
	if slices.Equal(path, nulAt) {
		if t.Elem != nil {
			return []any{NUL}, true
		}
		return NUL, true
	}
	if t.Elem != nil {
		v, set := value(schema, t.Elem, append(slices.Clone(path), "0"), nulAt, depth)
		return []any{v}, set
	}
	def := schema.Types[t.NamedType]
	switch {
	case def == nil:
		return nil, false
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name, false
	case def.Kind == ast.InputObject:
		obj := map[string]any{}
		set := false
		for _, f := range def.Fields {
			if depth > 4 {
				break
			}
			v, s := value(schema, f.Type, append(slices.Clone(path), f.Name), nulAt, depth+1)
			if s || f.Type.NonNull {
				obj[f.Name] = v
			}
			set = set || s
		}
		return obj, set
	}
	switch t.NamedType {
	case "Int":
		return 1, false
	case "Float":
		return 1.5, false
	case "Boolean":
		return true, false
	case "Decimal":
		return "1.00", false
	case "Date":
		return "2030-01-02", false
	case "DateTime":
		return "2030-01-02T10:00:00Z", false
	}
	return "x", false // String, ID and other string scalars
}

// selection is the smallest valid selection of a field of type t.
func selection(schema *ast.Schema, t *ast.Type) string {
	def := schema.Types[t.Name()]
	if def == nil || (def.Kind != ast.Object && def.Kind != ast.Interface && def.Kind != ast.Union) {
		return ""
	}
	return "{ __typename }"
}
