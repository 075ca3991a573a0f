package observe

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// registry holds the process-wide series: Go's runtime, the process, and Ponte's own below.
var registry = prometheus.NewRegistry()

// Latency buckets in seconds: 5 ms to 30 s (a request, a job, a webhook's lag).
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

var (
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ponte_http_requests_total",
		Help: "HTTP requests served, by route, GraphQL operation name (\"\" outside /graphql) and status code.",
	}, []string{"route", "operation", "status"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ponte_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request, by route and GraphQL operation name.",
		Buckets: latencyBuckets,
	}, []string{"route", "operation"})
	queryCost = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ponte_graphql_query_cost",
		Help:    "Requested cost (points) of GraphQL operations, by operation name.",
		Buckets: []float64{1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000},
	}, []string{"operation"})
	// Which tenant was throttled is in the request's access line (throttled=true): a label per
	// tenant would grow with the tenants.
	throttled = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ponte_graphql_throttled_total",
		Help: "GraphQL operations refused because the caller's bucket lacked the points (THROTTLED, HTTP 429).",
	})
	openSubscriptions = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "ponte_graphql_subscriptions_open",
		Help: "GraphQL subscriptions running now (WebSocket and SSE).",
	})
	jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ponte_job_duration_seconds",
		Help:    "Time a River job's attempt took, by kind and outcome (ok, error).",
		Buckets: latencyBuckets,
	}, []string{"kind", "outcome"})
	jobWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ponte_job_wait_seconds",
		Help:    "Time from a River job's scheduled time to the start of its attempt, by kind.",
		Buckets: latencyBuckets,
	}, []string{"kind"})
	webhookResults = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ponte_webhook_deliveries_total",
		Help: "Webhook delivery attempts, by result: delivered, failed (retried), gave_up (no retry follows), not_sent (nothing was sent).",
	}, []string{"result"})
	webhookLag = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "ponte_webhook_delivery_lag_seconds",
		Help:    "Time from an event to its webhook's delivery (the endpoint answered 2xx).",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600},
	})
)

func init() {
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		httpRequests, httpDuration, queryCost, throttled, openSubscriptions, jobDuration, jobWait, webhookResults, webhookLag)
	for _, r := range []string{"delivered", "failed", "gave_up", "not_sent"} { // every result, from 0
		webhookResults.WithLabelValues(r)
	}
}

// Handler serves the metrics in Prometheus' text format: the process-wide series and those of
// own, the collectors of one server's pool, queues and hub.
func Handler(own ...prometheus.Collector) http.Handler {
	server := prometheus.NewRegistry()
	server.MustRegister(own...)
	return promhttp.HandlerFor(prometheus.Gatherers{registry, server}, promhttp.HandlerOpts{})
}
