package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
)

// statusOf is the HTTP status of an error code on the file endpoints.
var statusOf = map[apperr.Code]int{
	apperr.Unauthenticated:    http.StatusUnauthorized,
	apperr.Forbidden:          http.StatusForbidden,
	apperr.BadInput:           http.StatusBadRequest,
	apperr.Invalid:            http.StatusBadRequest,
	apperr.InvalidState:       http.StatusConflict,
	apperr.AccountNotApproved: http.StatusConflict,
}

// fail answers err in the GraphQL-shaped error body every Ponte endpoint uses; anything without
// a known code is logged and shown only as an internal error.
func fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, what string, err error) {
	status, known := statusOf[apperr.CodeOf(err)]
	if !known {
		status = http.StatusInternalServerError
		log.ErrorContext(r.Context(), what, "err", err)
	}
	auth.WriteError(w, status, err)
}
