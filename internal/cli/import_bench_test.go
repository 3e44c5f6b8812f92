package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"
)

func init() {
	// As main.go does for the binary: GOGC=400 unless GOGC is set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// writeImportFile writes n orders with 2 trackings and 5 checkpoints each as JSON lines.
func writeImportFile(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	codes := []string{"OrderProcessed", "PickedUp", "InTransit", "Hub-Arrived", "OutForDelivery"}
	base := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, `{"account":1001,"order_number":"IMP-%07d","recipient_email":"shopper%d@example.com","recipient_name":"Shopper %d","customer_number":"C-%d","order_date":"%s","destination_country_iso3":"DEU","order_currency":"EUR","order_amount_total":"59.90","trackings":[`,
			i, i%50000, i, i%50000, base.Format(time.RFC3339))
		for t := 0; t < 2; t++ {
			if t > 0 {
				w.WriteString(",")
			}
			fmt.Fprintf(w, `{"courier":"dhl-germany","tracking_number":"IMP%07d-%d","recipient_postal_code":"04109","shipping_address":{"first_name":"A","last_name":"B","address_line":"Hauptstr. 1","postal_code":"04109","city":"Leipzig","country_iso3":"DEU"},"articles":[{"article_name":"Mug","sku":"MUG","quantity":1,"unit_price":"9.90"}],"checkpoints":[`, i, t)
			for c := 0; c < 5; c++ {
				if c > 0 {
					w.WriteString(",")
				}
				fmt.Fprintf(w, `{"status_code":"%s","event_timestamp":"%s","location":"Leipzig, DE","timezone":"Europe/Berlin"}`, codes[c], base.Add(time.Duration(c)*time.Hour).Format(time.RFC3339))
			}
			w.WriteString("]}")
		}
		w.WriteString("]}\n")
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkImport imports b.N orders from a JSON lines file into a new database. Run with
// -benchtime=100000x for the 100,000-order figure.
func BenchmarkImport(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "orders.jsonl")
	writeImportFile(b, file, b.N)
	db := filepath.Join(dir, "import.db")
	if _, _, err := runCmd(b, db, "", "account", "add", "--name", "Shop", "--id", "1001"); err != nil {
		b.Fatal(err)
	}
	store, err := (&config{DB: db}).openSQLite(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	f, _ := os.Open(file)
	defer f.Close()
	b.ResetTimer()
	res, err := Import(context.Background(), store, f, Env{Stderr: io.Discard}, time.Now)
	b.StopTimer()
	if err != nil || res.Created != b.N {
		b.Fatalf("%+v %v", res, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	batches, writes, busy := store.WriterStats()
	b.ReportMetric(float64(writes)/float64(batches), "orders/commit")
	b.ReportMetric(float64(busy.Microseconds())/float64(writes), "writer-µs/order")
	st, _ := os.Stat(db)
	b.ReportMetric(float64(st.Size())/float64(b.N), "dbbytes/order")
}
