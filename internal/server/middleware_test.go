package server

import "testing"

func TestRequestIDsAreUnique(t *testing.T) {
	e := newTestEnv(t)
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		_, _, h := get(t, nil, e.http.URL+"/healthz")
		id := h.Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Fatalf("request %d: id %q empty or seen before", i, id)
		}
		seen[id] = true
	}
}
