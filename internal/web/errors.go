package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"meldpunt/internal/desk"
)

// Status maps an error code to its HTTP status. It is the only such table.
func Status(code string) int {
	switch code {
	case desk.ENOTFOUND:
		return http.StatusNotFound
	case desk.EINVALID:
		return http.StatusUnprocessableEntity
	case desk.ECONFLICT:
		return http.StatusConflict
	case desk.EFORBIDDEN:
		return http.StatusForbidden
	case desk.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case desk.ETOOMANY:
		return http.StatusTooManyRequests
	case desk.EMALFORMED:
		return http.StatusBadRequest
	case desk.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case desk.EMEDIATYPE:
		return http.StatusUnsupportedMediaType
	case desk.EMETHOD:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document, with Meldpunt's extensions: the invalid fields,
// the states a refused transition allows, and the request id.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail"`
	Instance  string            `json:"instance,omitempty"`
	Code      string            `json:"code"`
	Errors    []desk.FieldError `json:"errors,omitempty"`
	Allowed   *[]string         `json:"allowed,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// ProblemFor turns an error into the problem document users see. An internal error is
// logged with the request id and shown as a generic message with that id.
func ProblemFor(r *http.Request, log *slog.Logger, err error) Problem {
	rid := RequestID(r.Context())
	var e *desk.Error
	if !errors.As(err, &e) {
		log.ErrorContext(r.Context(), "internal error", "request_id", rid, "method", r.Method, "route", r.Pattern, "url", Redact(r.Pattern, r.URL), "err", err)
		e = &desk.Error{Code: desk.EINTERNAL, Message: "something went wrong on our side; mention request id " + rid + " if you report it"}
	}
	st := Status(e.Code)
	p := Problem{
		Type: "https://meldpunt.dev/problems/" + e.Code, Title: http.StatusText(st), Status: st,
		Detail: e.Message, Instance: r.URL.Path, Code: e.Code, Errors: capFields(e.Fields, e.More), RequestID: rid,
	}
	if e.Allowed != nil {
		p.Allowed = &e.Allowed // a refused transition says what is allowed, even if nothing is
	}
	return p
}

// capFields lists at most desk.MaxFieldErrors violations, and then one entry saying how
// many more there are (more, and any beyond the cap), so that no input makes a large answer.
func capFields(fs []desk.FieldError, more int) []desk.FieldError {
	if len(fs) > desk.MaxFieldErrors {
		more += len(fs) - desk.MaxFieldErrors
		fs = fs[:desk.MaxFieldErrors]
	}
	if more == 0 {
		return fs
	}
	msg := fmt.Sprintf("%d more errors are not listed; correct these and send it again", more)
	if more == 1 {
		msg = "1 more error is not listed; correct these and send it again"
	}
	return append(slices.Clip(fs), desk.FieldError{Field: "", Rule: "more_errors", Message: msg})
}

// WriteProblem answers with an application/problem+json document for err.
func WriteProblem(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := ProblemFor(r, log, err)
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="meldpunt"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
