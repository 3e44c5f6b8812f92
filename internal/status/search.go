package status

import "strings"

// MaxSearchLen bounds the text of a support search.
const MaxSearchLen = 200

// Search is what support staff typed into the console's one search box, classified into the
// lookups it may be, over the accounts the staff user may see.
type Search struct {
	// Text is the search as typed, trimmed.
	Text string
	// Kinds are the lookups tried, in the order the console names them: only
	// ByRecipientEmail for text with an @, else order number, customer number, tracking
	// number, external reference, and external order id when the text is a UUID.
	Kinds    []LookupKind
	Accounts []int64
	Limit    int
	Offset   int
}

// ParseSearch classifies search text. Empty text gives no kinds.
func ParseSearch(text string) Search {
	s := Search{Text: strings.TrimSpace(text)}
	if len(s.Text) > MaxSearchLen {
		s.Text = strings.ToValidUTF8(s.Text[:MaxSearchLen], "")
	}
	switch {
	case s.Text == "":
	case strings.Contains(s.Text, "@"):
		s.Kinds = []LookupKind{ByRecipientEmail}
	default:
		s.Kinds = []LookupKind{ByOrderNumber, ByCustomerNumber, ByTrackingNumber, ByExternalReference}
		if uuidRe.MatchString(s.Text) {
			s.Kinds = append(s.Kinds, ByExternalOrderID)
		}
	}
	return s
}

// Values returns the values a search compares a key with: the text as typed and, when
// different, upper-cased, since shoppers read order and tracking numbers out in any case.
// Emails are compared lower-cased and external order ids (UUIDs) lower-cased.
func (s Search) Values(k LookupKind) []string {
	switch k {
	case ByRecipientEmail:
		return []string{NormalizeEmail(s.Text)}
	case ByExternalOrderID:
		return []string{strings.ToLower(s.Text)}
	}
	if up := strings.ToUpper(s.Text); up != s.Text {
		return []string{s.Text, up}
	}
	return []string{s.Text}
}
