// Package desk is Meldpunt's domain: organisations, contracts, users, components and
// incidents, with the rules that hold for them whatever stores or serves them. It imports
// nothing of Meldpunt's own and no SQL or HTTP, so every rule lives in one place.
package desk

import (
	"errors"
	"fmt"
)

// Error codes. They carry the meaning of a failure; one table in the web layer maps each to
// an HTTP status, so the domain never speaks HTTP.
const (
	ENOTFOUND     = "not_found"              // the object does not exist, or the actor may not know it does
	EINVALID      = "invalid"                // the input breaks a rule; Fields says which
	ECONFLICT     = "conflict"               // the input is valid but clashes with the current state
	EFORBIDDEN    = "forbidden"              // the actor is known but may not do this
	EUNAUTHORIZED = "unauthorized"           // no valid credentials
	ETOOMANY      = "too_many"               // rate limit
	EMALFORMED    = "malformed"              // the request cannot be read at all (broken JSON)
	ETOOLARGE     = "too_large"              // the request body is over its limit
	EMEDIATYPE    = "unsupported_media_type" // the body is not of a type the route reads
	EMETHOD       = "method_not_allowed"     // the address exists, but not for this request method
	EINTERNAL     = "internal"               // anything else; details are logged, never shown
)

// Error is a failure that users may see. Message is safe to show; internal causes are
// wrapped errors of another type and stay in the logs.
type Error struct {
	Code    string
	Message string
	// Fields lists, for EINVALID, each field that breaks a rule: at most MaxFieldErrors.
	Fields []FieldError
	// More counts the violations left out of Fields, so an answer stays small however
	// much input breaks the rules.
	More int
	// Allowed lists, for a refused state transition, the states that are allowed.
	Allowed []string
}

// FieldError names one field, the rule it breaks and a readable message.
type FieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Message)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound says that a kind of object with that id does not exist for the actor.
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Message: kind + " not found"}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// IsNotFound tells whether err means "not found".
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
