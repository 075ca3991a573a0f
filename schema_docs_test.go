package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ponte-bff/ponte/graph"
)

// TestSchemaDocumentsEverything: every public type, field, argument, input field and enum value
// of the schema has a description, every connection has totalCount, every custom scalar says with
// @specifiedBy where its format is defined. It lists every gap at once.
func TestSchemaDocumentsEverything(t *testing.T) {
	t.Parallel()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var missing []string
	need := func(desc, what string) {
		if strings.TrimSpace(desc) == "" {
			missing = append(missing, what)
		}
	}
	builtin := map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") || builtin[name] {
			continue
		}
		need(def.Description, name)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			need(f.Description, name+"."+f.Name)
			for _, a := range f.Arguments {
				need(a.Description, name+"."+f.Name+"("+a.Name+":)")
			}
		}
		for _, v := range def.EnumValues {
			need(v.Description, name+"."+v.Name)
		}
		if def.Kind == ast.Scalar && def.Directives.ForName("specifiedBy") == nil {
			missing = append(missing, name+" @specifiedBy")
		}
		if def.Kind == ast.Object && strings.HasSuffix(name, "Connection") && def.Fields.ForName("totalCount") == nil {
			missing = append(missing, name+".totalCount (every connection counts its items)")
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Fatalf("%d without a description (or @specifiedBy, totalCount):\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
