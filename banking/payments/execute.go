package payments

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/models"
	"github.com/ponte-bff/ponte/money"
)

// ErrNotDue is returned by Execute for a payment whose day has not come: run it again later.
var ErrNotDue = errors.New("payments: not due yet")

// failureReasons are Stone's failure reasons for the ledger's refusals (DOMAIN.md §4.1: FAILED
// payments leave no statement entry and charge no fee).
var failureReasons = map[apperr.Code]string{
	apperr.InsufficientFunds:  "insufficient_balance",
	apperr.LimitExceeded:      "limit_exceeded",
	apperr.AccountNotApproved: "account_restriction",
	apperr.NotFound:           "account_restriction",
}

// FailureReasons are every failure reason a payment carries when FAILED (a REFUNDED one carries
// the free text its refund gave). GraphQL's PaymentFailureReason has each, upper-cased.
var FailureReasons = []string{"insufficient_balance", "limit_exceeded", "account_restriction", ReasonInvalidTargetAccount,
	ReasonBoletoNotPayable, ReasonConsentRevoked, ReasonConsentExpired, ReasonConsentEnded}

// ReasonInvalidTargetAccount is the failure reason of an internal transfer whose beneficiary
// account cannot receive transfers when it runs: nobody has its code, or its account is not
// approved, disabled or blocked. It is given only when the payer could have paid, so a payer
// without the money gets insufficient_balance whatever the code (cannotReceive).
const ReasonInvalidTargetAccount = "invalid_target_account"

// errCannotReceive is the refusal behind ReasonInvalidTargetAccount.
var errCannotReceive = errors.New("payments: the beneficiary account cannot receive transfers")

// failureReason is Stone's reason for a refused execution; business is false for a technical
// failure, which the job retries.
func failureReason(err error) (reason string, business bool) {
	if errors.Is(err, errCannotReceive) {
		return ReasonInvalidTargetAccount, true
	}
	if errors.Is(err, ErrBoletoNotPayable) {
		return ReasonBoletoNotPayable, true
	}
	reason, business = failureReasons[apperr.CodeOf(err)]
	return reason, business
}

// Execute runs a due payment in one transaction: it locks the payment, posts its movement to the
// ledger (under the payment's own idempotency key) and moves it to FINISHED, or to FAILED with
// Stone's reason when the ledger refuses, the refused posting writing nothing. A crash before the
// commit leaves nothing behind; a posting committed by an older, two-transaction execution is
// replayed, not paid twice. A payment that is not waiting to run is left alone, so running
// Execute twice is harmless. A payment made through a consent that has ended since never posts:
// it becomes FAILED (consent_ended). An internal transfer finds who receives it here, in the same
// transaction (transfer): nobody able to receive fails it with invalid_target_account, but only
// after the payer's own reasons.
func (s *Service) Execute(ctx context.Context, id uuid.UUID) error {
	ctx, pending := events.Defer(ctx) // its events in one statement, written last
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		p, err := lockPayment(tx, id)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil // nothing to run: never retry forever
		}
		if err != nil {
			return err
		}
		if err := s.executeLocked(ctx, tx, p, nil); err != nil {
			return err
		}
		return pending.Flush(ctx, tx)
	})
}

// executeLocked is Execute's work on a payment whose row tx holds: Execute's own, and each of a
// batch's (ExecuteDue). holds is whether its basis holds, when the caller has read it in tx
// already (a batch reads all its payments' at once); nil: read it here. ErrNotDue writes nothing.
func (s *Service) executeLocked(ctx context.Context, tx *gorm.DB, p *models.Payment, holds *bool) error {
	if !runnable(Status(p.Status)) {
		return nil // cancelled or finished meanwhile
	}
	if holds == nil {
		h, err := s.basisHolds(ctx, tx, p)
		if err != nil {
			return err
		}
		holds = &h
	}
	// A cash-out made through consent never posts once the consent has ended.
	if !*holds {
		return s.stop(ctx, tx, p, ReasonConsentEnded)
	}
	if brazil.DateOf(p.RunOn).After(clockDate(s.now())) {
		return ErrNotDue
	}
	return s.run(ctx, tx, p)
}

// run posts a due payment p in tx, whose row the caller holds (locked, or inserted by tx itself),
// and moves it to FINISHED, or to FAILED with Stone's reason when the ledger refuses, the refused
// posting writing nothing. A technical failure is returned as it is: the caller's transaction
// rolls back (a job retries it; a creation answers with the error). Execute runs it for a payment
// that waited; create runs it in the creating transaction for an instant one (instant).
func (s *Service) run(ctx context.Context, tx *gorm.DB, p *models.Payment) error {
	unresolved := p.Target.AccountID == nil // an internal transfer's target is found now (transfer)
	// Under deferred events (create, Execute) an APPROVED payment's move to FINISHED is written by
	// the posting's own statement (ledger.Movement.Ahead), so the ledger rows are held for that
	// statement and the commit only. A payment waiting on a later day is not moved ahead: its
	// move also releases its reservation (reserve), a write of its own.
	before, ahead := *p, false
	var early func(txnID uuid.UUID) error
	if events.Deferring(ctx) != nil && Status(p.Status) == StatusApproved {
		early = func(txnID uuid.UUID) error {
			ahead = true
			return s.finish(ctx, tx, p, txnID, unresolved)
		}
	}
	txn, err := s.post(ctx, tx, p, early)
	if ahead && (err != nil || txn.Replayed) { // not written: the ledger forgot the move, so does p
		*p, ahead = before, false
	}
	if err != nil {
		reason, business := failureReason(err)
		if !business {
			return err // a technical failure: the job retries
		}
		p.FailureReason = &reason
		return s.move(ctx, tx, p, StatusFailed, "system", &reason, "failure_reason")
	}
	if !ahead {
		if err := s.finish(ctx, tx, p, txn.ID, unresolved); err != nil {
			return err
		}
	}
	if s.rail != nil && sentThroughRail(Kind(p.Kind)) && !pontesBoleto(p) { // a Ponte boleto never leaves Ponte
		return s.runner.SettleTx(ctx, tx, p.ID, s.rail.Delay())
	}
	return nil
}

// finish moves p, posted as the ledger transaction txnID, to FINISHED, with the target its
// execution found when it had none (unresolved).
func (s *Service) finish(ctx context.Context, tx *gorm.DB, p *models.Payment, txnID uuid.UUID, unresolved bool) error {
	now := s.now()
	p.LedgerTransactionID, p.FinishedAt = &txnID, &now
	changed := []string{"ledger_transaction_id", "finished_at"}
	if unresolved && p.Target.AccountID != nil {
		changed = append(changed, "target")
	}
	return s.move(ctx, tx, p, StatusFinished, "system", nil, changed...)
}

// instant reports whether a payment just created runs in the transaction that creates it: an
// internal transfer that needs no approval (its grant needs no holder's decision, so it is
// APPROVED at creation) and is due today, as Stone's internal transfers are instant. Its answer
// is then FINISHED, or FAILED with the reason its execution gave; every other payment waits for
// its approval, its day, its window or its rail, and runs through the Runner.
func instant(p *models.Payment) bool {
	return Kind(p.Kind) == KindInternalTransfer && Status(p.Status) == StatusApproved
}

func runnable(s Status) bool {
	return s == StatusApproved || s == StatusScheduled || s == StatusDelayed
}

// post writes the payment's movement in tx: to the target account for an internal transfer, to
// the bank's settlement account (money leaving the institution) for a TED or a barcode payment;
// the fee, if any, to fee income. A refused movement writes nothing and leaves tx usable.
//
// ahead, when not nil, is the payment's own change to write with the movement (ledger
// Movement.Ahead).
func (s *Service) post(ctx context.Context, tx *gorm.DB, p *models.Payment, ahead func(uuid.UUID) error) (*ledger.Transaction, error) {
	if Kind(p.Kind) == KindInternalTransfer {
		return s.transfer(ctx, tx, p, ahead)
	}
	if pontesBoleto(p) {
		return s.settleBoleto(ctx, tx, p)
	}
	key := "payment:" + p.ID.String()
	amount, fee := money.Cents(p.AmountCents), money.Cents(p.FeeCents)
	desc := describe(p)
	t := p.Target
	kind := ledger.KindExternal
	if Kind(p.Kind) != KindTED {
		kind = ledger.KindPayment
	}
	postings := []ledger.Posting{
		{AccountID: p.AccountID, Amount: -amount, Fee: fee, CashOut: true, Counterparty: counterparty(t)},
		{System: ledger.Settlement, Amount: amount},
	}
	if fee > 0 {
		postings = append(postings,
			ledger.Posting{AccountID: p.AccountID, Amount: -fee, Kind: ledger.KindFee, Description: "Tarifa: " + desc},
			ledger.Posting{System: ledger.FeeIncome, Amount: fee, Kind: ledger.KindFee})
	}
	return s.ledger.PostTx(ctx, tx, ledger.Movement{IdempotencyKey: key, Kind: kind, Description: desc, OperationID: &p.ID, Postings: postings, Ahead: ahead})
}

// transfer posts an internal transfer in tx to its target: the account stored at creation, or the
// one its code names now when it named none that could receive then (an account approved since
// gets the money, and the payment keeps its whole target from then on). A target that cannot
// receive, missing or refused by the ledger as unable to move money, fails it through
// cannotReceive.
func (s *Service) transfer(ctx context.Context, tx *gorm.DB, p *models.Payment, ahead func(uuid.UUID) error) (*ledger.Transaction, error) {
	stored := p.Target
	if stored.AccountID == nil {
		acc, err := receiverByCode(tx, stored.AccountCode)
		switch {
		case err != nil:
			return nil, err
		case acc == nil || acc.ID == p.AccountID:
			return nil, s.cannotReceive(ctx, tx, p)
		}
		p.Target = targetOf(acc)
	}
	txn, err := s.ledger.TransferTx(ctx, tx, ledger.TransferInput{IdempotencyKey: "payment:" + p.ID.String(), From: p.AccountID,
		To: *p.Target.AccountID, Amount: money.Cents(p.AmountCents), Fee: money.Cents(p.FeeCents), Description: describe(p), OperationID: &p.ID,
		Ahead: ahead})
	if c := apperr.CodeOf(err); c == apperr.NotFound || c == apperr.AccountNotApproved {
		err = s.cannotReceive(ctx, tx, p) // the payer's refusal, if it is the payer, comes first there
	}
	if err != nil {
		p.Target = stored // a failed transfer keeps the target as it was created
		return nil, err
	}
	return txn, nil
}

// cannotReceive is the refusal of an internal transfer that cannot be posted to its target: the
// payer's own refusal first (account_restriction, insufficient_balance, limit_exceeded, in the
// ledger's order), as a posting to a target that can receive would give it, so that a transfer
// from an account without the money fails the same whatever its code names; errCannotReceive
// only when the payer could have paid.
func (s *Service) cannotReceive(ctx context.Context, tx *gorm.DB, p *models.Payment) error {
	if err := s.ledger.CheckCashOutTx(ctx, tx, p.AccountID, money.Cents(p.AmountCents), money.Cents(p.FeeCents)); err != nil {
		return err
	}
	return errCannotReceive
}

// counterparty is the statement's counterparty of a payment leaving Ponte: its target.
func counterparty(t Target) *ledger.Counterparty {
	return &ledger.Counterparty{Name: t.Name, Document: t.Document, DocumentType: t.DocumentType, InstitutionISPB: t.ISPB,
		InstitutionCode: t.BankCode, InstitutionName: t.BankName, BranchCode: t.BranchCode, AccountCode: t.AccountCode, AccountType: t.AccountType}
}

// describe is the statement text of a payment: the tenant's description, or what it pays.
func describe(p *models.Payment) string {
	if p.Description != nil {
		return *p.Description
	}
	t := p.Target
	switch Kind(p.Kind) {
	case KindInternalTransfer:
		return "Transferência para " + t.Name
	case KindTED:
		return "TED para " + t.Name
	case KindBoleto:
		return "Pagamento de boleto"
	default:
		return "Pagamento de " + t.Segment
	}
}
