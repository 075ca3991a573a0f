package gqlserver

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ponte-bff/ponte/apiguard"
	"github.com/ponte-bff/ponte/observe"
	"github.com/ponte-bff/ponte/resolvers"
)

// fields is the endpoint's one field middleware, around every field of every response: the
// field counts in the operation's actual cost (apiguard.CountField); a resolver method gets its
// span (observe.TraceResolver), is not run once the request has ended
// (apiguard.StopWhenCancelled) and never sees a NUL in its arguments (resolvers.RefuseNUL).
//
// It is one function rather than a chain of four extensions because gqlgen calls it for each
// plain struct field too: a 50-entry statement page is about 400 of them, and each layer of a
// chain cost a closure, context lookups and stack depth in the goroutine gqlgen starts per list
// element. A plain struct field without arguments costs only its count: reading it cannot
// block, fail or see an argument, and its span would be noise.
func fields(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	apiguard.CountField(ctx, fc)
	if fc == nil || !fc.IsResolver && len(fc.Field.Arguments) == 0 {
		return next(ctx)
	}
	ctx = apiguard.WithCharge(ctx) // for the fields below it to count themselves cheaply
	return observe.TraceResolver(ctx, fc, func(ctx context.Context) (any, error) {
		return apiguard.StopWhenCancelled{}.InterceptField(ctx, func(ctx context.Context) (any, error) {
			return resolvers.RefuseNUL(ctx, next)
		})
	})
}
