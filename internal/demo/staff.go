package demo

import (
	"context"
	"fmt"
	"io"

	"github.com/orderstatus/orderstatus/internal/auth"
)

// AdminEmail is the support console admin that the demo creates.
const AdminEmail = "admin@orderstatus.local"

// StaffLogin is a support console login the demo created; its password exists only here.
type StaffLogin struct {
	Email    string
	Password string
}

// ensureAdmin creates AdminEmail with a random password when the database has no staff user
// yet, and returns the login; nil when staff users exist already.
func ensureAdmin(ctx context.Context, db Store) (*StaffLogin, error) {
	n, err := db.CountStaffUsers(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	pw := auth.HexKey(10)
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return nil, err
	}
	if _, err := db.CreateStaffUser(ctx, auth.StaffUser{Email: AdminEmail, Role: auth.RoleAdmin, PasswordHash: hash}); err != nil {
		return nil, err
	}
	return &StaffLogin{Email: AdminEmail, Password: pw}, nil
}

// printStaff writes the console login; the password is shown this once.
func printStaff(w io.Writer, s *StaffLogin, base string) {
	if s == nil {
		fmt.Fprintf(w, "Support console:  %s/support/ (staff users: orderstatus user add)\n", base)
		return
	}
	fmt.Fprintf(w, "Support console:  %s/support/  user %s  password %s  (shown only now; change it with orderstatus user passwd)\n", base, s.Email, s.Password)
}
