package demo

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// GenerateOptions control Generate.
type GenerateOptions struct {
	// Orders is how many order payloads to write.
	Orders int
	// Accounts are the accounts the orders are spread over (at least one).
	Accounts []int64
	// Seed makes the output repeatable: the same options give the same lines.
	Seed uint64
	// Now is the reference time: orders are placed in the 30 days before it.
	Now time.Time
}

// market is a destination country with its language, zone, currency, couriers and places.
type market struct {
	iso3, iso2, lang, tz, currency string
	couriers                       []string
	cities                         []string
	postal                         func(r *rand.Rand) string
	first, last, streets           []string
}

func digits(n int) func(r *rand.Rand) string {
	return func(r *rand.Rand) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
}

var markets = []market{
	{"GBR", "GB", "en", "Europe/London", "GBP", []string{"royal-mail", "dpd-uk", "evri", "yodel"}, []string{"London", "Bristol", "Manchester", "Leeds", "Glasgow"},
		func(r *rand.Rand) string {
			return string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))) + strconv.Itoa(1+r.IntN(20)) + " " + strconv.Itoa(r.IntN(10)) + string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26)))
		},
		[]string{"Emma", "Oliver", "Amelia", "Harry", "Isla", "Jack"}, []string{"Clarke", "Smith", "Jones", "Taylor", "Brown", "Wilson"}, []string{"Albert Road", "High Street", "Station Road", "Church Lane"}},
	{"DEU", "DE", "de", "Europe/Berlin", "EUR", []string{"dhl-germany", "dpd-de", "hermes-de", "gls-de"}, []string{"Berlin", "München", "Hamburg", "Leipzig", "Köln"}, digits(5),
		[]string{"Erika", "Lukas", "Anna", "Jonas", "Lena", "Felix"}, []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Krüger"}, []string{"Hauptstraße", "Gartenweg", "Bahnhofstraße", "Lindenallee"}},
	{"FRA", "FR", "fr", "Europe/Paris", "EUR", []string{"colissimo", "chronopost", "dpd-fr", "mondial-relay"}, []string{"Paris", "Lyon", "Marseille", "Lille"}, digits(5),
		[]string{"Camille", "Louis", "Léa", "Hugo"}, []string{"Martin", "Bernard", "Dubois", "Moreau"}, []string{"Rue de la Paix", "Avenue Victor Hugo", "Rue du Moulin"}},
	{"NLD", "NL", "nl", "Europe/Amsterdam", "EUR", []string{"postnl", "dhl-parcel-nl", "dpd-nl"}, []string{"Amsterdam", "Utrecht", "Rotterdam"},
		func(r *rand.Rand) string {
			return digits(4)(r) + " " + string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26)))
		},
		[]string{"Sanne", "Daan", "Emma", "Lucas"}, []string{"de Jong", "Jansen", "de Vries", "Bakker"}, []string{"Kerkstraat", "Dorpsstraat", "Molenweg"}},
	{"ESP", "ES", "es", "Europe/Madrid", "EUR", []string{"correos", "seur", "mrw"}, []string{"Madrid", "Barcelona", "Valencia"}, digits(5),
		[]string{"Lucía", "Hugo", "Martina", "Pablo"}, []string{"García", "Fernández", "López", "Martínez"}, []string{"Calle Mayor", "Avenida de la Constitución"}},
	{"ITA", "IT", "it", "Europe/Rome", "EUR", []string{"poste-italiane", "brt", "gls-it"}, []string{"Roma", "Milano", "Torino"}, digits(5),
		[]string{"Giulia", "Leonardo", "Sofia", "Francesco"}, []string{"Rossi", "Russo", "Ferrari", "Esposito"}, []string{"Via Roma", "Corso Italia"}},
	{"POL", "PL", "pl", "Europe/Warsaw", "PLN", []string{"inpost-pl", "dpd-pl", "poczta-polska"}, []string{"Warszawa", "Kraków", "Gdańsk"},
		func(r *rand.Rand) string { return digits(2)(r) + "-" + digits(3)(r) },
		[]string{"Zuzanna", "Antoni", "Julia", "Jan"}, []string{"Nowak", "Kowalski", "Wiśniewski"}, []string{"ulica Długa", "ulica Polna"}},
	{"SWE", "SE", "sv", "Europe/Stockholm", "SEK", []string{"postnord-se", "dhl"}, []string{"Stockholm", "Göteborg"}, func(r *rand.Rand) string { return digits(3)(r) + " " + digits(2)(r) },
		[]string{"Alice", "William", "Maja"}, []string{"Andersson", "Johansson", "Karlsson"}, []string{"Storgatan", "Kungsgatan"}},
	{"CZE", "CZ", "cs", "Europe/Prague", "CZK", []string{"ppl", "packeta", "ceska-posta"}, []string{"Praha", "Brno"}, func(r *rand.Rand) string { return digits(3)(r) + " " + digits(2)(r) },
		[]string{"Eliška", "Jakub", "Tereza"}, []string{"Novák", "Svoboda", "Dvořák"}, []string{"Národní", "Dlouhá"}},
	{"USA", "US", "en", "America/New_York", "USD", []string{"ups", "fedex", "usps", "amazon-logistics"}, []string{"New York", "Boston", "Philadelphia"}, digits(5),
		[]string{"Olivia", "Liam", "Ava", "Noah"}, []string{"Johnson", "Williams", "Miller", "Davis"}, []string{"Main Street", "Oak Avenue", "Maple Drive"}},
}

// journeys are the states generated orders end in, as their checkpoint sequences (oldest
// first), with how often each occurs in a hundred parcels.
var journeys = []struct {
	weight int
	codes  []string
}{
	{40, []string{"OrderProcessed", "PickedUp", "InTransit", "Hub-Arrived", "Hub-Departed", "OutForDelivery", "Delivered"}},
	{6, []string{"OrderProcessed", "PickedUp", "InTransit", "OutForDelivery", "Delivered-Neighbour"}},
	{4, []string{"OrderProcessed", "PickedUp", "InTransit", "Delivered-ParcelShop"}},
	{14, []string{"OrderProcessed", "PickedUp", "InTransit", "Hub-Arrived"}},
	{8, []string{"OrderProcessed", "PickedUp", "InTransit", "Depot-Arrived", "OutForDelivery"}},
	{5, []string{"OrderProcessed", "PickedUp", "InTransit", "PickupReady"}},
	{4, []string{"OrderProcessed", "PickedUp", "InTransit", "OutForDelivery", "FailedAttempt-NewAttemptNextDay"}},
	{3, []string{"OrderProcessed", "PickedUp", "InTransit", "Exception-AddressIssue"}},
	{2, []string{"OrderProcessed", "PickedUp", "InTransit", "Exception-Delayed"}},
	{2, []string{"OrderProcessed", "PickedUp", "InTransit", "PickupReady", "ReturnToSender-NotCollected"}},
	{7, []string{"OrderProcessed"}},
	{4, []string{}},
	{1, []string{"Cancelled"}},
}

var products = []struct{ name, category, price string }{
	{"Ridgeline Waterproof Jacket", "Jackets", "149.00"}, {"Merino Beanie", "Accessories", "24.00"}, {"Trail Running Shoes", "Shoes", "119.90"},
	{"Ceramic Mug", "Kitchen", "12.50"}, {"Garden Hose 20 m", "Garden", "29.90"}, {"Linen Shirt", "Shirts", "59.00"},
	{"Wool Socks (3 pairs)", "Accessories", "19.00"}, {"Desk Lamp", "Home", "45.00"}, {"Yoga Mat", "Sports", "34.95"},
}

// Generate writes opt.Orders order payloads as JSON lines, the input of `orderstatus import`:
// orders of several shops in ten countries and languages, with one to three parcels each, in
// every state (delivered, in transit, out for delivery, at a pickup point, failed attempts,
// exceptions, returns, not yet shipped, cancelled), dated in the 30 days before opt.Now.
// Order numbers, tracking numbers and external ids are unique in the output.
func Generate(w io.Writer, opt GenerateOptions) error {
	if len(opt.Accounts) == 0 {
		return fmt.Errorf("generate: no accounts")
	}
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	totalWeight := 0
	for _, j := range journeys {
		totalWeight += j.weight
	}
	for i := range opt.Orders {
		if err := enc.Encode(generateOrder(r, opt, i, totalWeight)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func generateOrder(r *rand.Rand, opt GenerateOptions, i, totalWeight int) map[string]any {
	m := pick(r, markets)
	acct := opt.Accounts[i%len(opt.Accounts)]
	first, last := pick(r, m.first), pick(r, m.last)
	postal := m.postal(r)
	city := pick(r, m.cities)
	ordered := opt.Now.Add(-time.Duration(r.Int64N(int64(30 * 24 * time.Hour))))
	email := strings.ToLower(strings.NewReplacer(" ", "", "ü", "ue", "ö", "oe", "ä", "ae", "é", "e", "í", "i", "á", "a", "ś", "s", "ř", "r", "š", "s", "ň", "n", "å", "a", "è", "e").Replace(first+"."+last)) +
		strconv.Itoa(i) + "@example.com"
	addr := map[string]any{"first_name": first, "last_name": last, "address_line": strconv.Itoa(1+r.IntN(120)) + " " + pick(r, m.streets),
		"postal_code": postal, "city": city, "country_iso3": m.iso3}
	number := fmt.Sprintf("G-%d-%07d", acct, i)
	total := 0.0
	parcels := 1 + r.IntN(3)*r.IntN(2) // mostly one parcel, some two or three
	var trackings []any
	cancelled := false
	for p := range parcels {
		courier := pick(r, m.couriers)
		j := pickJourney(r, totalWeight)
		if len(j) == 1 && j[0] == "Cancelled" {
			cancelled = true
		}
		var arts []any
		for range 1 + r.IntN(3) {
			pr := pick(r, products)
			q := 1 + r.IntN(2)
			f, _ := strconv.ParseFloat(pr.price, 64)
			total += f * float64(q)
			arts = append(arts, map[string]any{"article_name": pr.name, "article_category": pr.category, "sku": strings.ToUpper(pr.category[:3]) + "-" + strconv.Itoa(r.IntN(1000)),
				"unit_price": pr.price, "quantity": q})
		}
		var cps []any
		at := ordered.Add(time.Duration(1+r.IntN(20)) * time.Hour)
		for _, code := range j {
			if at.After(opt.Now) {
				break
			}
			cp := map[string]any{"status_code": code, "event_timestamp": at.UTC().Format(time.RFC3339), "timezone": m.tz}
			if code != "OrderProcessed" && code != "Cancelled" {
				cp["location"] = pick(r, m.cities) + ", " + m.iso2
			}
			cps = append(cps, cp)
			at = at.Add(time.Duration(2+r.IntN(30)) * time.Hour)
		}
		t := map[string]any{
			"tracking_number": fmt.Sprintf("%s%d%09d%d", strings.ToUpper(courier[:2]), acct, i, p), "courier": courier,
			"recipient_postal_code": postal, "shipping_address": addr, "articles": arts, "checkpoints": cps,
			"announced_delivery_date": ordered.AddDate(0, 0, 2+r.IntN(4)).Format("2006-01-02"),
		}
		if len(j) > 0 && (j[len(j)-1] == "PickupReady" || j[len(j)-1] == "Delivered-ParcelShop") {
			t["pickup_location"] = map[string]any{"name": "Parcel point " + city, "hold_until": at.AddDate(0, 0, 7).Format("2006-01-02"),
				"opening_hours": []any{map[string]any{"day": "mon", "open": "09:00", "close": "18:00"}, map[string]any{"day": "sat", "open": "09:00", "close": "13:00"}}}
		}
		trackings = append(trackings, t)
	}
	o := map[string]any{
		"account": acct, "order_number": number, "external_order_id": fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), i),
		"destination_country_iso3": m.iso3, "language_iso2": m.lang, "timezone": m.tz, "order_currency": m.currency,
		"recipient_email": email, "recipient_name": first + " " + last, "customer_number": fmt.Sprintf("C-%d-%06d", acct, r.IntN(i+1)),
		"order_amount_total": strconv.FormatFloat(total, 'f', 2, 64), "order_date": ordered.UTC().Format(time.RFC3339),
		"channel": pick(r, []string{"webshop", "app", "marketplace"}), "trackings": trackings,
	}
	if cancelled {
		o["order_status"] = "Cancelled"
		o["cancellation_reason"] = pick(r, []string{"customer", "inventory", "payment"})
	}
	return o
}

func pickJourney(r *rand.Rand, total int) []string {
	n := r.IntN(total)
	for _, j := range journeys {
		if n < j.weight {
			return j.codes
		}
		n -= j.weight
	}
	return journeys[0].codes
}
