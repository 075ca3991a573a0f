package observe

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// PaymentQueueCollector reports the payments waiting to run (the payments table is their queue:
// payments.Batches), counted on its partial index at scrape time; every replica reports the
// cluster's numbers.
func PaymentQueueCollector(pool *pgxpool.Pool) prometheus.Collector {
	return paymentQueueCollector{pool}
}

type paymentQueueCollector struct{ pool *pgxpool.Pool }

var (
	paymentsQueued = prometheus.NewDesc("ponte_payments_queued",
		"Payments waiting to run, by whether they are due now (due) or later (scheduled: a later day, the TED window, a back-off).", []string{"state"}, nil)
	paymentsRetrying = prometheus.NewDesc("ponte_payments_retrying",
		"Payments waiting to run whose last execution failed for a technical reason (backed off, retried).", nil, nil)
	paymentsOldest = prometheus.NewDesc("ponte_payments_oldest_due_seconds",
		"How long the payment due the longest has waited since its due time (0 when none is due).", nil, nil)
	paymentsScrapeError = prometheus.NewDesc("ponte_payments_queue_scrape_error",
		"1 when the payments' queue could not be read from the database during this scrape.", nil, nil)
)

func (paymentQueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- paymentsQueued
	ch <- paymentsRetrying
	ch <- paymentsOldest
	ch <- paymentsScrapeError
}

func (c paymentQueueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	var due, later, retrying int64
	var oldest float64
	err := c.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE due_at <= now()), count(*) FILTER (WHERE due_at > now()),
		count(*) FILTER (WHERE run_attempts > 0),
		coalesce(extract(epoch FROM now() - min(due_at) FILTER (WHERE due_at <= now()))::float8, 0)
		FROM payments WHERE due_at IS NOT NULL AND status IN ('APPROVED', 'SCHEDULED', 'DELAYED_TO_NEXT_BUSINESS_DAY')`).
		Scan(&due, &later, &retrying, &oldest)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(paymentsScrapeError, prometheus.GaugeValue, 1)
		return
	}
	ch <- prometheus.MustNewConstMetric(paymentsScrapeError, prometheus.GaugeValue, 0)
	ch <- prometheus.MustNewConstMetric(paymentsQueued, prometheus.GaugeValue, float64(due), "due")
	ch <- prometheus.MustNewConstMetric(paymentsQueued, prometheus.GaugeValue, float64(later), "scheduled")
	ch <- prometheus.MustNewConstMetric(paymentsRetrying, prometheus.GaugeValue, float64(retrying))
	ch <- prometheus.MustNewConstMetric(paymentsOldest, prometheus.GaugeValue, max(0, oldest))
}
