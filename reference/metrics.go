package reference

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, on a registry of its own (several
// servers can run in one test process).
type metrics struct {
	reg         *prometheus.Registry
	connections *prometheus.GaugeVec
	events      *prometheus.CounterVec
	errors      *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	broadcasts  *prometheus.CounterVec
	dropped     prometheus.Counter

	// Totals for metrics:snapshot rates.
	eventCount atomic.Int64
	errorCount atomic.Int64
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "utalk_connections", Help: "Connected sockets by namespace.",
		}, []string{"namespace"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "utalk_events_total", Help: "Client events received, by event name (unknown names count as \"unknown\").",
		}, []string{"event"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "utalk_errors_total", Help: "Error answers and refused connections, by contract error code.",
		}, []string{"code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "utalk_reply_latency_seconds",
			Help:    "Server-side time from a client event to its answer, by event name.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"event"}),
		broadcasts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "utalk_broadcasts_total", Help: "Room broadcasts emitted, by event name.",
		}, []string{"event"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "utalk_slow_consumers_dropped_total", Help: "Connections closed because their outbound queue overflowed.",
		}),
	}
	m.reg.MustRegister(m.connections, m.events, m.errors, m.latency, m.broadcasts, m.dropped,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) event(name string) {
	m.eventCount.Add(1)
	m.events.WithLabelValues(name).Inc()
}

func (m *metrics) error(code string) {
	m.errorCount.Add(1)
	m.errors.WithLabelValues(code).Inc()
}

func (m *metrics) answered(event string, since time.Time) {
	m.latency.WithLabelValues(event).Observe(time.Since(since).Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
