package templates

// View models of the support console. The handlers in internal/server decide what is shown;
// the components only lay it out.

// SupportPage is what every support console page's layout needs.
type SupportPage struct {
	Title string
	// User is the signed-in staff user's email; "" on the login page (no navigation).
	User    string
	IsAdmin bool
	// Nav names the current section: "search" or "audit".
	Nav string
}

// Option is one choice of a <select>.
type Option struct {
	Value, Label string
	Selected     bool
}

// Fact is one labelled value of a definition list; with a URL the value is a link to it.
type Fact struct {
	Label, Value, URL string
}

// SupportLoginView is the login form, re-rendered with its problem.
type SupportLoginView struct {
	Page  SupportPage
	Email string
	// Next is the console page to return to after login.
	Next  string
	Error string
}

// SupportSearchView is the search box and its results.
type SupportSearchView struct {
	Page     SupportPage
	Query    string
	Accounts []Option // the account filter; the first option is "all accounts"
	// Searched reports whether a search ran (a non-empty query).
	Searched bool
	// Description says what was searched, e.g. `"A-1001" as order number, customer number,
	// tracking number or external reference in all accounts`.
	Description string
	Rows        []SupportOrderRow
	Total       int
	Pager       Pager
}

// Pager links the pages of a list.
type Pager struct {
	Text    string // "Page 2 of 5"
	PrevURL string // "" on the first page
	NextURL string // "" on the last page
}

// SupportOrderRow is one order in the search results.
type SupportOrderRow struct {
	URL            string
	OrderNumber    string
	Account        string
	RecipientName  string
	RecipientEmail string
	Date           string
	Parcels        []ParcelState
}

// ParcelState is one parcel's carrier, number and current state in words.
type ParcelState struct {
	Courier        string
	TrackingNumber string
	State          string
	Tone           string // normal, warning, danger, success, muted
}

// SupportOrderView is everything stored about one order.
type SupportOrderView struct {
	Page        SupportPage
	OrderNumber string
	Account     string
	Headline    string
	Tone        string
	// Promise is when the order (its lead parcel) is expected, in words; "" without one.
	Promise string
	// Problem says what is wrong (an exception, a failed attempt, a late parcel); "" when
	// nothing is.
	Problem string
	Order   []Fact
	// Links are the signed shopper link, the email snippet and the widget image URL.
	PageURL   string
	WidgetURL string
	WidgetAlt string
	Snippet   string
	LinkTTL   string // "90 days"
	Parcels   []SupportParcelView
	Feedback  []SupportFeedback
	Callbacks []SupportCallback
	// ID is the order's reference id (the console's URLs name it).
	ID string
	// Notes are the agents' notes, oldest first; NoteDraft and NoteError re-show a refused
	// note.
	Notes     []SupportNote
	NoteDraft string
	NoteError string
}

// SupportNote is one agent note (staff only).
type SupportNote struct {
	Author, At, Body string
}

// SupportParcelView is one tracking with everything stored about it.
type SupportParcelView struct {
	ID          string
	Heading     string // "Parcel 1 of 2: DHL 00340434161094015902"
	State       string
	Tone        string
	Facts       []Fact
	Articles    []SupportArticle
	Checkpoints []SupportCheckpoint
	Attributes  []Fact
}

// SupportArticle is one line item.
type SupportArticle struct {
	Name, SKU, Quantity, UnitPrice, Details string
}

// SupportCheckpoint is one carrier event; hidden events are marked.
type SupportCheckpoint struct {
	When     string
	Code     string
	Text     string
	Details  string
	Location string
	Hidden   bool
}

// SupportFeedback is one shopper vote.
type SupportFeedback struct {
	Parcel, Topic, Vote, At string
}

// SupportCallback is one merchant callback and the outcome of its attempts.
type SupportCallback struct {
	Event     string
	State     string
	Tone      string
	CreatedAt string
	URL       string
	Attempts  string // "2 attempts, last: HTTP 500"
}

// SupportAuditView is the audit log with its filters.
type SupportAuditView struct {
	Page     SupportPage
	Users    []Option
	Actions  []Option
	Accounts []Option
	From, To string // dates, YYYY-MM-DD
	Rows     []SupportAuditRow
	Total    int
	Pager    Pager
}

// SupportAuditRow is one audit entry. OrderNumber names the order an entry is about (its
// reference id when the order is gone).
type SupportAuditRow struct {
	At, User, Action, Query, OrderNumber, OrderURL, Account string
}

// SupportErrorView is an error page of the console (not found, forbidden, too many logins).
type SupportErrorView struct {
	Page    SupportPage
	Heading string
	Text    string
}
