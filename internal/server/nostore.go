package server

import "net/http"

// noStore marks every response of the routes it wraps as not to be stored by browsers and
// proxies: API reads and writes answer with orders, which carry personal data. A handler that
// knows better (the widget, whose images mail proxies revalidate) sets its own Cache-Control.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
