package apiguard

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// StopWhenCancelled resolves no further field once the request's context has ended (the client
// hung up, the server is shutting down): nobody would read the answer. The endpoint calls its
// InterceptField for resolver methods only (gqlserver's one field middleware): a plain struct
// field costs nothing to read.
type StopWhenCancelled struct{}

var _ graphql.FieldInterceptor = StopWhenCancelled{}

// InterceptField skips the field's resolver when ctx has ended.
func (StopWhenCancelled) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if ctx.Err() != nil {
		return nil, &gqlerror.Error{Message: "the request ended", Extensions: map[string]any{"code": "REQUEST_CANCELLED"}}
	}
	return next(ctx)
}
