package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/orderstatus/orderstatus/internal/cache"
)

// cacheCollector reports the read path's caches at scrape time (the hit and miss families
// are shared with the store's own caches, labelled by cache).
type cacheCollector struct {
	stats func() map[string]cache.Stats
}

var (
	cacheEntriesDesc   = prometheus.NewDesc("orderstatus_cache_entries", "Entries in the read path's caches.", []string{"cache"}, nil)
	cacheBytesDesc     = prometheus.NewDesc("orderstatus_cache_bytes", "Bytes held by the read path's caches (estimated for decoded orders).", []string{"cache"}, nil)
	cacheMaxBytesDesc  = prometheus.NewDesc("orderstatus_cache_max_bytes", "The bound of each read path cache (--cache-size splits between them).", []string{"cache"}, nil)
	cacheEvictionsDesc = prometheus.NewDesc("orderstatus_cache_evictions_total", "Entries evicted to stay within the bound.", []string{"cache"}, nil)
)

func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{cacheEntriesDesc, cacheBytesDesc, cacheMaxBytesDesc, cacheEvictionsDesc} {
		ch <- d
	}
}

func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	for name, st := range c.stats() {
		ch <- prometheus.MustNewConstMetric(cacheEntriesDesc, prometheus.GaugeValue, float64(st.Entries), name)
		ch <- prometheus.MustNewConstMetric(cacheBytesDesc, prometheus.GaugeValue, float64(st.Bytes), name)
		ch <- prometheus.MustNewConstMetric(cacheMaxBytesDesc, prometheus.GaugeValue, float64(st.MaxBytes), name)
		ch <- prometheus.MustNewConstMetric(cacheEvictionsDesc, prometheus.CounterValue, float64(st.Evictions), name)
		ch <- prometheus.MustNewConstMetric(cacheHitsDesc, prometheus.CounterValue, float64(st.Hits), name)
		ch <- prometheus.MustNewConstMetric(cacheMissesDesc, prometheus.CounterValue, float64(st.Misses), name)
	}
}

// cacheStats are the figures of every read path cache.
func (s *Server) cacheStats() map[string]cache.Stats {
	st := s.reads.CacheStats()
	st["responses"] = s.responses.Stats()
	return st
}
