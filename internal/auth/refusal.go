package auth

// Kinds of rate-limit refusal, as passed to a RefusalHook.
const (
	RefusedVerifyOrder    = "verify_order"     // wrong proofs for one order from one client address
	RefusedVerifyOrderDay = "verify_order_day" // the daily ceiling of wrong proofs for one order
	RefusedVerifyAddr     = "verify_addr"      // wrong proofs or guesses from one client address
	RefusedLoginEmail     = "login_email"      // failed staff logins for one email
	RefusedLoginAddr      = "login_addr"       // failed staff logins from one client address
)

// RefusalHook is told each time a rate limit refuses a request, with the limit's kind (one of
// the Refused… constants). It must be fast and safe for concurrent use; metrics count with it.
type RefusalHook func(kind string)

func (h RefusalHook) refused(kind string) {
	if h != nil {
		h(kind)
	}
}
