package resolvers

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/database"
	"github.com/ponte-bff/ponte/graph/model"
)

// userErrors splits a domain error: business failures become userErrors (returned with a nil
// error), anything else is returned as the error for the GraphQL `errors` list.
func userErrors(err error, prefix ...string) ([]*model.UserError, error) {
	if err == nil {
		return []*model.UserError{}, nil
	}
	var list apperr.List
	if !errors.As(err, &list) {
		e, ok := apperr.As(err)
		if !ok {
			return nil, err
		}
		list = apperr.List{e}
	}
	out := make([]*model.UserError, 0, len(list))
	for _, e := range list {
		code := model.UserErrorCode(e.Code)
		if !code.IsValid() {
			return nil, e // FORBIDDEN, UNAUTHENTICATED...: not a business failure
		}
		var field []string
		if len(e.Field) > 0 {
			field = append(append([]string{}, prefix...), e.Field...)
		}
		out = append(out, &model.UserError{Field: field, Code: code, Message: e.Message})
	}
	return out, nil
}

// PresentError is the one error presenter: Ponte's coded errors keep their code and message,
// GraphQL's own errors (parse, validation, complexity) pass through, a database that cannot be
// reached is SERVICE_UNAVAILABLE "database unavailable" (its cause logged), and anything else is
// logged and shown only as "internal error", so no SQL or stack detail leaks to a client.
func PresentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		if apperr.CodeOf(err) == apperr.Internal && database.Unavailable(err) {
			err = &apperr.Error{Code: apperr.Unavailable, Message: "database unavailable; try again", Err: err}
		}
		if e, ok := apperr.As(err); ok && e.Code == apperr.Unavailable {
			log.ErrorContext(ctx, "unavailable", "err", err) // the cause names hosts and users: logs only
		}
		if e, ok := apperr.As(err); ok && e.Code != apperr.Internal {
			gerr := graphql.DefaultErrorPresenter(ctx, err)
			gerr.Message = e.Message
			gerr.Extensions = map[string]any{"code": string(e.Code)}
			if len(e.Field) > 0 {
				gerr.Extensions["field"] = e.Field
			}
			return gerr
		}
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			if gqlErr.Extensions == nil || gqlErr.Extensions["code"] == nil {
				gqlErr.Extensions = map[string]any{"code": string(apperr.BadInput)}
			}
			return gqlErr
		}
		var path any
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			path = fc.Path().String()
		}
		log.ErrorContext(ctx, "internal error", "err", err, "path", path)
		gerr := graphql.DefaultErrorPresenter(ctx, errors.New("internal error"))
		gerr.Extensions = map[string]any{"code": string(apperr.Internal)}
		return gerr
	}
}

// Recover turns a panic in a resolver into a logged internal error instead of a crash.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", p)
		return apperr.E(apperr.Internal, "internal error")
	}
}

// asBadInput turns a field error about a query argument into BAD_USER_INPUT: queries have no
// userErrors, so a bad argument (a date range backwards) is a GraphQL error with that code.
func asBadInput(err error) error {
	if e, ok := apperr.As(err); ok && (e.Code == apperr.Invalid || e.Code == apperr.Required) {
		return &apperr.Error{Code: apperr.BadInput, Field: e.Field, Message: e.Message, Err: e.Err}
	}
	return err
}
