package callback_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orderstatus/orderstatus/internal/callback"
)

// buildBinary builds the orderstatus command from the repository root into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(dir, "orderstatus")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// orderstatus runs one short command of the binary and returns its stdout.
func orderstatus(t *testing.T, bin string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("orderstatus %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

var servingAddr = regexp.MustCompile(`msg=serving addr=(\S+)`)

// addrWatcher collects a process's log and reports the address it serves on.
type addrWatcher struct {
	mu   sync.Mutex
	log  bytes.Buffer
	addr chan string
}

func (w *addrWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.log.Write(p)
	if m := servingAddr.FindSubmatch(w.log.Bytes()); m != nil {
		select {
		case w.addr <- string(m[1]):
		default:
		}
	}
	return len(p), nil
}

// serve starts "orderstatus serve" and returns the process and its base URL. Its log is
// shown when the test fails.
func serve(t *testing.T, bin string, env []string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	w := &addrWatcher{addr: make(chan string, 1)}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if t.Failed() {
			w.mu.Lock()
			t.Logf("log of orderstatus serve (pid %d):\n%s", cmd.Process.Pid, w.log.String())
			w.mu.Unlock()
		}
	})
	select {
	case a := <-w.addr:
		return cmd, "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatal("orderstatus serve did not start")
	}
	return nil, ""
}

// TestKilledMidDeliveryStillDelivered kills the server with SIGKILL while a callback is in
// flight and starts it again: the event is delivered, once acknowledged, with the same id.
func TestKilledMidDeliveryStillDelivered(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	db := filepath.Join(dir, "orderstatus.db")

	// The receiver holds every request open until the test allows answers (after the
	// restart), so that only the restarted process can deliver.
	var mu sync.Mutex
	answering := false
	var ids []string
	var acked []string
	var bodies [][]byte
	var sigs []string
	inFlight := make(chan struct{}, 10)
	delivered := make(chan struct{}, 10)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		ids = append(ids, r.Header.Get(callback.HeaderDelivery))
		ok := answering
		if ok {
			acked = append(acked, r.Header.Get(callback.HeaderDelivery))
			bodies = append(bodies, body)
			sigs = append(sigs, r.Header.Get(callback.HeaderSignature))
		}
		mu.Unlock()
		if !ok {
			inFlight <- struct{}{}
			<-r.Context().Done() // until the sender dies
			return
		}
		w.WriteHeader(http.StatusOK)
		delivered <- struct{}{}
	}))
	defer rcv.Close()

	env := []string{"ORDERSTATUS_DB=" + db, callback.AllowPrivateEnv + "=true", "ORDERSTATUS_CALLBACK_TIMEOUT=1s",
		"ORDERSTATUS_CALLBACK_BACKOFF=100ms", "ORDERSTATUS_CALLBACK_POLL=50ms"}
	var acct struct {
		Account        int64  `json:"account"`
		APIToken       string `json:"api_token"`
		CallbackSecret string `json:"callback_secret"`
	}
	if err := json.Unmarshal(orderstatus(t, bin, env, "account", "add", "--name", "Restart Shop"), &acct); err != nil {
		t.Fatal(err)
	}
	orderstatus(t, bin, env, "account", "set", "--account", fmt.Sprint(acct.Account), "--callback-url", rcv.URL+"/hook")

	first, base := serve(t, bin, env)
	body, _ := json.Marshal(map[string]any{"order_number": "R-1", "recipient_email": "e@example.com",
		"trackings": []any{map[string]any{"courier": "dhl", "tracking_number": "R-1-TN"}}})
	req, _ := http.NewRequest(http.MethodPut, base+"/v4/track/orders/", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+acct.APIToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var order struct {
		ID string `json:"id"`
	}
	json.NewDecoder(resp.Body).Decode(&order)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT order: %s", resp.Status)
	}

	select {
	case <-inFlight:
	case <-time.After(20 * time.Second):
		t.Fatal("the callback was never sent")
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	mu.Lock()
	answering = true
	mu.Unlock()
	second, base := serve(t, bin, env)
	select {
	case <-delivered:
	case <-time.After(30 * time.Second):
		t.Fatal("the callback was not delivered after the restart")
	}

	// The log shows the interrupted attempt and the delivery.
	var log struct {
		Results []callback.Delivery `json:"results"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/v4/track/orders/"+order.ID+"/callbacks/", nil)
		req.Header.Set("Authorization", "Bearer "+acct.APIToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&log)
		resp.Body.Close()
		if len(log.Results) == 1 && log.Results[0].State == callback.Delivered {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log %+v: want one delivered callback", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	second.Process.Signal(os.Interrupt)
	if err := second.Wait(); err != nil {
		t.Errorf("graceful stop: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(acked) != 1 {
		t.Fatalf("receiver acknowledged %d callbacks, want 1", len(acked))
	}
	for i, id := range ids {
		if id != ids[0] {
			t.Errorf("request %d has delivery id %q, want %q as the first", i+1, id, ids[0])
		}
	}
	if err := callback.Verify(acct.CallbackSecret, sigs[0], bodies[0], time.Now(), time.Minute); err != nil {
		t.Errorf("signature of the delivered callback: %v", err)
	}
	d := log.Results[0]
	if d.ID != ids[0] || d.Event != callback.OrderAccepted || len(d.Attempts) < 2 ||
		!strings.HasPrefix(d.Attempts[0].Error, "interrupted") || d.Attempts[len(d.Attempts)-1].StatusCode != 200 {
		t.Errorf("delivery log %+v: want the interrupted attempt, then 200", d)
	}
}
