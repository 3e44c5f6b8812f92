package status

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a request, named by the attribute it concerns.
type Problem struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Attr   string `json:"attr"`
}

// ValidationError collects every problem of a request so that clients can fix them at once.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, p.Attr+": "+p.Detail)
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Add records a problem.
func (e *ValidationError) Add(code, attr, format string, args ...any) {
	e.Problems = append(e.Problems, Problem{Code: code, Detail: fmt.Sprintf(format, args...), Attr: attr})
}

// Err returns e when it holds problems, nil otherwise.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Problems) == 0 {
		return nil
	}
	return e
}

// Invalid returns a validation error with one problem.
func Invalid(attr, format string, args ...any) *ValidationError {
	e := &ValidationError{}
	e.Add("invalid", attr, format, args...)
	return e
}
