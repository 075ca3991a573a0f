package observe

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// scrapeTimeout bounds the queries a scrape runs.
const scrapeTimeout = 3 * time.Second

// PoolCollector reports a pgx pool's statistics at scrape time.
func PoolCollector(pool *pgxpool.Pool) prometheus.Collector { return poolCollector{pool} }

type poolCollector struct{ pool *pgxpool.Pool }

var (
	poolConns = prometheus.NewDesc("ponte_db_pool_connections", "Connections of the database pool, by state (acquired, idle, constructing).",
		[]string{"state"}, nil)
	poolMax      = prometheus.NewDesc("ponte_db_pool_max_connections", "Most connections the database pool opens.", nil, nil)
	poolAcquires = prometheus.NewDesc("ponte_db_pool_acquires_total", "Connections taken from the database pool.", nil, nil)
	poolEmpty    = prometheus.NewDesc("ponte_db_pool_empty_acquires_total",
		"Acquires that waited because the pool had no idle connection.", nil, nil)
	poolWait = prometheus.NewDesc("ponte_db_pool_acquire_wait_seconds_total", "Time spent waiting for a connection of the pool.", nil, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolConns, poolMax, poolAcquires, poolEmpty, poolWait} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(s.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(s.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(s.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolEmpty, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, s.AcquireDuration().Seconds())
}

// QueueCollector reports the River jobs waiting or running, by queue, kind and state, counted in
// the database at scrape time (every replica reports the same numbers: they are the cluster's).
func QueueCollector(pool *pgxpool.Pool) prometheus.Collector { return queueCollector{pool} }

type queueCollector struct{ pool *pgxpool.Pool }

var (
	queueDepth = prometheus.NewDesc("ponte_jobs", "River jobs not finished, by queue and state (available, scheduled, retryable, running).",
		[]string{"queue", "state"}, nil)
	queueOldest = prometheus.NewDesc("ponte_jobs_oldest_available_seconds",
		"How long the oldest job available to run has waited since its scheduled time, by queue (0 when none waits).", []string{"queue"}, nil)
	scrapeErrors = prometheus.NewDesc("ponte_jobs_scrape_error", "1 when the job counts could not be read from the database during this scrape.",
		nil, nil)
)

func (queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepth
	ch <- queueOldest
	ch <- scrapeErrors
}

func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	failed := 0.0
	defer func() { ch <- prometheus.MustNewConstMetric(scrapeErrors, prometheus.GaugeValue, failed) }()
	// Every queue the cluster works (River records them in river_queue), every state, from 0.
	rows, err := c.pool.Query(ctx, `SELECT q.name, s.state, count(j.id) FROM river_queue q
		CROSS JOIN unnest(ARRAY['available', 'scheduled', 'retryable', 'running']) AS s(state)
		LEFT JOIN river_job j ON j.queue = q.name AND j.state::text = s.state
		GROUP BY 1, 2`)
	if err != nil {
		failed = 1
		return
	}
	for rows.Next() {
		var queue, state string
		var n int64
		if err := rows.Scan(&queue, &state, &n); err != nil {
			failed = 1
			break
		}
		ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(n), queue, state)
	}
	rows.Close()
	if rows.Err() != nil {
		failed = 1
		return
	}
	rows, err = c.pool.Query(ctx, `SELECT q.name, coalesce(extract(epoch FROM now() - min(j.scheduled_at))::float8, 0) FROM river_queue q
		LEFT JOIN river_job j ON j.queue = q.name AND j.state = 'available' GROUP BY 1`)
	if err != nil {
		failed = 1
		return
	}
	defer rows.Close()
	for rows.Next() {
		var queue string
		var s float64
		if err := rows.Scan(&queue, &s); err != nil {
			failed = 1
			return
		}
		ch <- prometheus.MustNewConstMetric(queueOldest, prometheus.GaugeValue, max(0, s), queue)
	}
}

// LagFunc is how far an event hub is behind the log: the age of the oldest event it has not
// published yet (0 when it is up to date).
type LagFunc func(ctx context.Context) (time.Duration, error)

// HubLagCollector reports an event hub's lag at scrape time.
func HubLagCollector(lag LagFunc) prometheus.Collector { return hubCollector{lag} }

type hubCollector struct{ lag LagFunc }

var hubLag = prometheus.NewDesc("ponte_events_hub_lag_seconds",
	"How far the event hub (subscriptions' source) is behind the event log: the age of the oldest event it has not published yet.", nil, nil)

func (hubCollector) Describe(ch chan<- *prometheus.Desc) { ch <- hubLag }

func (c hubCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	d, err := c.lag(ctx)
	if err != nil { // no sample: the series goes stale rather than saying "no lag"
		return
	}
	ch <- prometheus.MustNewConstMetric(hubLag, prometheus.GaugeValue, d.Seconds())
}

// WebhookAttempt counts one webhook delivery attempt's result (delivered, failed, gave_up,
// not_sent); lag is the time since its event for a delivered one.
func WebhookAttempt(result string, lag time.Duration) {
	webhookResults.WithLabelValues(result).Inc()
	if result == "delivered" {
		webhookLag.Observe(max(0, lag.Seconds()))
	}
}
