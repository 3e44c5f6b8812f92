package status

import (
	"bufio"
	"encoding/json"
	"maps"
	"os"
	"testing"
)

// referenceKeys is what sentKeys must return, computed with encoding/json.
func referenceKeys(t *testing.T, body []byte) (map[string]bool, []map[string]bool) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	top := map[string]bool{}
	for k := range m {
		top[k] = true
	}
	var trackings []map[string]bool
	var items []map[string]json.RawMessage
	if raw, ok := m["trackings"]; ok && json.Unmarshal(raw, &items) == nil {
		for _, it := range items {
			keys := map[string]bool{}
			for k := range it {
				keys[k] = true
			}
			trackings = append(trackings, keys)
		}
	}
	return top, trackings
}

func TestSentKeys(t *testing.T) {
	bodies := []string{
		`{}`,
		` { "a" : 1 , "b":[1,2,{"c":"}"}], "trackings" : [ ] } `,
		`{"order_number":"A\"}{[","trackings":null}`,
		`{"order\u005fnumber":"x","trackings":[{"courier":"dhl","articles":[{"x":[1,{"y":"]"}]}],"tracking_number":"1"},{}]}`,
		`{"tags":["a:b"],"trackings":[{"checkpoints":[{"status_details":"say \"hi\" \\"}],"is_return":true,"x":null,"n":-1.5e3}]}`,
		`{"nested":{"trackings":[{"not":"top"}]},"trackings":[{"a":"\\\\"}]}`,
	}
	f, err := os.Open("../../data/demo/orders.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		bodies = append(bodies, sc.Text())
	}
	for _, b := range bodies {
		top, trackings, ok := sentKeys([]byte(b))
		if !ok {
			t.Errorf("sentKeys(%.80s): not ok", b)
			continue
		}
		wantTop, wantTrackings := referenceKeys(t, []byte(b))
		if !maps.Equal(top, wantTop) {
			t.Errorf("sentKeys(%.80s) top = %v, want %v", b, top, wantTop)
		}
		if len(trackings) != len(wantTrackings) {
			t.Errorf("sentKeys(%.80s) trackings = %v, want %v", b, trackings, wantTrackings)
			continue
		}
		for i := range trackings {
			if !maps.Equal(trackings[i], wantTrackings[i]) {
				t.Errorf("sentKeys(%.80s) trackings[%d] = %v, want %v", b, i, trackings[i], wantTrackings[i])
			}
		}
	}
	for _, b := range []string{`null`, `[]`, `"x"`, `{"a"`, `{"a":}`, `{"a":1,}`} {
		if _, _, ok := sentKeys([]byte(b)); ok {
			t.Errorf("sentKeys(%s) ok, want not ok", b)
		}
	}
}

func TestPeekOrder(t *testing.T) {
	tests := []struct {
		body    string
		account int64
		id      Identity
		ok      bool
	}{
		{`{"account":1001,"order_number":" A-1 ","trackings":[{"order_number":"no"}]}`, 1001, Identity{OrderNumber: "A-1"}, true},
		{`{"trackings":[],"client_key":"k","external_order_id":"501CCE9D-3FDB-4258-9466-616FEC7A75EF","account": 7 }`, 7,
			Identity{ClientKey: "k", ExternalOrderID: "501CCE9D-3FDB-4258-9466-616FEC7A75EF"}, true},
		{`{"account":"1001","order_number":12}`, 0, Identity{}, true},
		{`{"order_number":"\u0041-2"}`, 0, Identity{OrderNumber: "A-2"}, true},
		{`[1]`, 0, Identity{}, false},
		{`{"account":`, 0, Identity{}, false},
	}
	for _, tt := range tests {
		account, id, ok := PeekOrder([]byte(tt.body))
		if account != tt.account || id != tt.id || ok != tt.ok {
			t.Errorf("PeekOrder(%s) = %d, %+v, %v; want %d, %+v, %v", tt.body, account, id, ok, tt.account, tt.id, tt.ok)
		}
	}
}
