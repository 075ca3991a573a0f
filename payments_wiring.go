package main

import (
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/jobs"
)

// newPayments builds the payments service on the job queue and registers its workers: execution
// and the rail's settlement. Outside production the sandbox rail answers; in production there is
// no rail yet, so TEDs and barcode payments finish when posted.
func newPayments(cfg config, db *gorm.DB, led *ledger.Service, queue *jobs.Jobs) (*payments.Service, error) {
	var rail payments.Rail
	if cfg.Env != envProduction {
		rail = payments.SandboxRail{After: cfg.RailDelay}
	}
	svc := payments.New(db, led, payments.RiverRunner{Insert: queue.InsertTx},
		payments.Config{Calendar: paymentCalendar(cfg), Fees: cfg.Fees, ApprovalTTL: cfg.ApprovalTTL, Rail: rail})
	if cfg.Clock != nil {
		svc.SetClock(cfg.Clock)
	}
	if err := jobs.AddWorker(queue, &payments.ExecuteWorker{Service: svc}); err != nil {
		return nil, err
	}
	if err := jobs.AddWorker(queue, &payments.SettleWorker{Service: svc}); err != nil {
		return nil, err
	}
	return svc, nil
}

// paymentCalendar is the default banking calendar with the configured TED window.
func paymentCalendar(cfg config) payments.Calendar {
	c := payments.DefaultCalendar
	c.TEDWindow = cfg.TEDWindow
	return c
}
