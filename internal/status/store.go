package status

import (
	"context"
	"strings"
)

// Store persists accounts and orders. Every write happens in one transaction: a method that
// returns an error has changed nothing.
type Store interface {
	// CreateAccount stores a new account and its first API token (a SHA-256 hash).
	CreateAccount(ctx context.Context, a Account, tokenHash []byte) error
	// UpdateAccount stores changed settings and keys of an account.
	UpdateAccount(ctx context.Context, a Account) error
	Account(ctx context.Context, id int64) (Account, error)
	Accounts(ctx context.Context) ([]Account, error)
	// AccountByToken returns the account a token hash belongs to, or ErrNotFound.
	AccountByToken(ctx context.Context, tokenHash []byte) (Account, error)

	// SaveOrder finds the account's order with identity id, calls apply with it (nil when
	// there is none) and stores the order apply returns, all in one transaction. With
	// createOnly an existing order is ErrConflict. apply may be called more than once (the
	// store prepares writes optimistically and redoes one that a concurrent write to the same
	// order overtook), so it must have no effect other than its result.
	SaveOrder(ctx context.Context, account int64, id Identity, createOnly bool, apply func(existing *Order) (*Order, error)) (saved *Order, created bool, err error)
	// UpdateOrder loads an order by reference id, applies fn and stores the result in one
	// transaction. Like SaveOrder's apply, fn may be called more than once.
	UpdateOrder(ctx context.Context, orderID string, fn func(o *Order) (*Order, error)) (*Order, error)
	// Order returns an order by reference id with its trackings and checkpoints.
	Order(ctx context.Context, id string) (*Order, error)
	// ListOrders returns one page of an account's orders.
	ListOrders(ctx context.Context, account int64, p PageRequest) ([]*Order, error)
	// FindOrderIDs returns the reference ids of the orders a lookup matches, most recent
	// first (order_date, then creation), at most limit.
	FindOrderIDs(ctx context.Context, l Lookup, limit int) ([]string, error)
	// CursorOf returns an order's position in an ordering, for pagination links.
	CursorOf(ctx context.Context, o *Order, ordering string) (Cursor, error)
	// FindTracking returns the order and tracking ids of a courier's tracking number in one
	// account (tracking numbers are unique per account and courier).
	FindTracking(ctx context.Context, account int64, courier, trackingNumber string) (orderID, trackingID string, err error)
}

// PageRequest asks for one page of orders after (or before) a cursor position.
type PageRequest struct {
	Ordering string // created_at, updated_at, order_date, each optionally prefixed with "-"
	After    *Cursor
	Before   *Cursor
	Limit    int
	// CustomerNumber and RecipientEmail, when set, keep only one customer's orders (the
	// email compares trimmed and case-insensitively).
	CustomerNumber string
	RecipientEmail string
}

// orderingColumns are the columns an order list may be ordered by.
var orderingColumns = map[string]bool{"created_at": true, "updated_at": true, "order_date": true}

// OrderingColumn returns the column of an ordering ("created_at", "-order_date", …) and
// whether the ordering is valid.
func OrderingColumn(ordering string) (string, bool) {
	col := strings.TrimPrefix(ordering, "-")
	return col, orderingColumns[col]
}

// Keyset is how a store walks an ordering for a page: the column, the comparison with the
// cursor (">" or "<") and the sort direction, the cursor (nil for the first page), and
// whether the rows come back in reverse display order (a page before a cursor), which the
// store flips.
type Keyset struct {
	Column, Cmp, Dir string
	Cursor           *Cursor
	Reverse          bool
}

// Keyset resolves the page request for keyset pagination on (column, seq).
func (p PageRequest) Keyset() (Keyset, error) {
	col, ok := OrderingColumn(p.Ordering)
	if !ok {
		return Keyset{}, Invalid("ordering", "Use created_at, updated_at or order_date, optionally prefixed with -.")
	}
	k := Keyset{Column: col, Cmp: ">", Dir: "ASC"}
	if strings.HasPrefix(p.Ordering, "-") {
		k.Cmp, k.Dir = "<", "DESC"
	}
	switch {
	case p.After != nil:
		k.Cursor = p.After
	case p.Before != nil:
		// Walk backwards, then flip the page into display order.
		k.Cursor, k.Reverse = p.Before, true
		if k.Cmp == ">" {
			k.Cmp, k.Dir = "<", "DESC"
		} else {
			k.Cmp, k.Dir = ">", "ASC"
		}
	}
	return k, nil
}

// Cursor is a position in an ordering: the sort value and the row sequence number.
type Cursor struct {
	Value string `json:"v"`
	Seq   int64  `json:"s"`
}

// Feedback is a shopper's vote on a parcel's delivery or on the communication about it.
type Feedback struct {
	TrackingID string
	Topic      string // delivery or communication
	Vote       string // up or down
	CreatedAt  string
}
