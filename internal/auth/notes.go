package auth

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/orderstatus/orderstatus/internal/status"
)

// OrderNote is a support agent's note on an order. Notes are for staff only: no shopper
// surface and no API body reads them (they are not part of status.Order).
type OrderNote struct {
	ID        int64
	OrderID   string
	AccountID int64
	UserID    int64
	UserEmail string
	Body      string
	CreatedAt string // status.TimestampLayout
}

// MaxNoteLength bounds a note, in characters.
const MaxNoteLength = 2000

// CheckNote returns a note's text trimmed, or a ValidationError on "note" when it is empty,
// longer than MaxNoteLength or holds control characters other than line breaks and tabs.
func CheckNote(body string) (string, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	bad := strings.ContainsFunc(body, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f })
	if body == "" || utf8.RuneCountInString(body) > MaxNoteLength || bad {
		return "", status.Invalid("note", "Write a note of 1 to %d characters.", MaxNoteLength)
	}
	return body, nil
}

// NoteStore keeps agent notes (both stores implement it).
type NoteStore interface {
	// AddOrderNote stores a note and its AuditNote entry in one transaction and returns the
	// note with its id and time.
	AddOrderNote(ctx context.Context, n OrderNote) (OrderNote, error)
	// OrderNotes returns an order's notes, oldest first.
	OrderNotes(ctx context.Context, orderID string) ([]OrderNote, error)
}
