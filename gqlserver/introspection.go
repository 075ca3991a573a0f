package gqlserver

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codeIntrospectionDisabled refuses __schema and __type where introspection is off (production).
const codeIntrospectionDisabled = "INTROSPECTION_DISABLED"

func init() { errcode.RegisterErrorType(codeIntrospectionDisabled, errcode.KindProtocol) }

// refuseIntrospection answers an operation that reads __schema or __type with a coded refusal
// before it runs. Without it gqlgen runs the operation and its introspection fields fail with a
// plain error, which the error presenter can only call INTERNAL. __typename stays allowed: clients
// (Apollo's cache among them) add it to every selection.
type refuseIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = refuseIntrospection{}

func (refuseIntrospection) ExtensionName() string                   { return "RefuseIntrospection" }
func (refuseIntrospection) Validate(graphql.ExecutableSchema) error { return nil }
func (refuseIntrospection) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !anySelection(oc.Doc, oc.Operation.SelectionSet, introspection) {
		return nil
	}
	err := gqlerror.Errorf("introspection is disabled on this server: its schema is published with its source (graph/schema/*.graphqls)")
	errcode.Set(err, codeIntrospectionDisabled)
	return err
}
