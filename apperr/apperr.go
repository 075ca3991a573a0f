// Package apperr is Ponte's one error type: a stable code that callers and transports test,
// and a message a person can read. Anything that is not an *Error is internal: transports log it
// and show "internal error", so no SQL or stack detail ever leaks to a client.
package apperr

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error kind. Values never change meaning once published.
type Code string

// Codes used across Ponte. Business codes (userErrors) come from the public contract in API.md;
// the others become GraphQL `extensions.code`.
const (
	Internal          Code = "INTERNAL"
	Unauthenticated   Code = "UNAUTHENTICATED"
	Forbidden         Code = "FORBIDDEN"
	BadInput          Code = "BAD_USER_INPUT"
	Unavailable       Code = "SERVICE_UNAVAILABLE" // a dependency (database, identity provider) is down: retry later
	Invalid           Code = "INVALID"
	Required          Code = "REQUIRED"
	InvalidDocument   Code = "INVALID_DOCUMENT"
	DuplicateDocument Code = "DUPLICATE_DOCUMENT"
	// DuplicateBankAccount: a contact already has this bank account (issue 14).
	DuplicateBankAccount Code = "DUPLICATE_BANK_ACCOUNT"
	DocumentBlocked      Code = "DOCUMENT_BLOCKED"
	NotFound             Code = "NOT_FOUND"
	InvalidState         Code = "INVALID_STATE"

	AccountNotApproved   Code = "ACCOUNT_NOT_APPROVED"
	InsufficientFunds    Code = "INSUFFICIENT_FUNDS"
	LimitExceeded        Code = "LIMIT_EXCEEDED"
	IdempotencyKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	InvalidBarcode       Code = "INVALID_BARCODE"
	ConsentRequired      Code = "CONSENT_REQUIRED"
	OutsideWindow        Code = "OUTSIDE_WINDOW"
	RateLimited          Code = "RATE_LIMITED" // too many calls of a public operation from one client: retry later
)

// Error is an expected failure with a code, an optional input field path and a message.
type Error struct {
	Code    Code
	Field   []string // path of the offending input field, e.g. ["input", "document"]
	Message string
	// Reason refines Code where a client can act on the difference, e.g. why an access token was
	// refused (EXPIRED, UNKNOWN_KEY, WRONG_AUDIENCE): it becomes extensions.reason.
	Reason string
	Err    error // optional cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an *Error with a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field builds an *Error about one input field.
func Field(code Code, field []string, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, or Internal when err is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// List is several field errors reported together (one userError each), so that a form with
// three mistakes is answered once, not three times.
type List []*Error

func (l List) Error() string {
	if len(l) == 0 {
		return "no errors"
	}
	return fmt.Sprintf("%s (and %d more)", l[0].Error(), len(l)-1)
}

// Unwrap lets errors.As and errors.Is look inside every error of the list.
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// OrNil returns nil for an empty list, so `return errs.OrNil()` reads naturally.
func (l List) OrNil() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
