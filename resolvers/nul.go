package resolvers

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/graph"
	"github.com/ponte-bff/ponte/graph/model"
)

// RefuseNUL is the field middleware that refuses a NUL character (U+0000) in any string argument,
// literal or variable, at any depth of an input object, before a resolver sees it: PostgreSQL
// cannot store it in text, so it would otherwise fail as an internal error. A mutation with
// userErrors answers a userError INVALID whose field is the argument's path
// (["input", "target", "name"]); any other field answers BAD_USER_INPUT with that path.
func RefuseNUL(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || len(fc.Field.Arguments) == 0 {
		return next(ctx)
	}
	var vars map[string]any
	if oc := graphql.GetOperationContext(ctx); oc != nil {
		vars = oc.Variables
	}
	path := nulPath(fc.Field.ArgumentMap(vars), nil)
	if path == nil {
		return next(ctx)
	}
	e := apperr.Field(apperr.Invalid, path, "must not contain the NUL character (U+0000)")
	if payload, ok := mutationPayloads[fc.Field.Name]; ok && fc.Object == "Mutation" {
		list, _ := userErrors(e)
		return payload(list), nil
	}
	e.Code = apperr.BadInput
	return nil, e
}

// nulPath is the path of the first string in v that holds a NUL, or nil.
func nulPath(v any, path []string) []string {
	switch x := v.(type) {
	case string:
		if strings.IndexByte(x, 0) >= 0 {
			return append([]string{}, path...)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if p := nulPath(x[k], append(path, k)); p != nil {
				return p
			}
		}
	case []any:
		for i, e := range x {
			if p := nulPath(e, append(path, strconv.Itoa(i))); p != nil {
				return p
			}
		}
	}
	return nil
}

// mutationPayloads builds, for each mutation whose payload carries userErrors, a payload that
// holds only the given userErrors (lists empty, objects null). It reads the payload types from
// the generated MutationResolver, so a new mutation is covered without being listed here.
var mutationPayloads = func() map[string]func([]*model.UserError) any {
	out := map[string]func([]*model.UserError) any{}
	userErrorsType := reflect.TypeFor[[]*model.UserError]()
	mr := reflect.TypeFor[graph.MutationResolver]()
	for i := range mr.NumMethod() {
		m := mr.Method(i)
		if m.Type.NumOut() != 2 || m.Type.Out(0).Kind() != reflect.Pointer || m.Type.Out(0).Elem().Kind() != reflect.Struct {
			continue
		}
		payload := m.Type.Out(0).Elem()
		if f, ok := payload.FieldByName("UserErrors"); !ok || f.Type != userErrorsType {
			continue
		}
		name := strings.ToLower(m.Name[:1]) + m.Name[1:] // CreateAccount: createAccount
		out[name] = func(list []*model.UserError) any {
			p := reflect.New(payload)
			for j := range payload.NumField() {
				if f := p.Elem().Field(j); f.Kind() == reflect.Slice && f.CanSet() {
					f.Set(reflect.MakeSlice(f.Type(), 0, 0))
				}
			}
			p.Elem().FieldByName("UserErrors").Set(reflect.ValueOf(list))
			return p.Interface()
		}
	}
	return out
}()
