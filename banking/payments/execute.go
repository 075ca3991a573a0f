package payments

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/brazil"
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

// Execute runs a due payment: the ledger posting (under the payment's own idempotency key, so a
// retry after a crash replays it instead of paying twice), then FINISHED, or FAILED with Stone's
// reason and no entry. A payment that is not waiting to run is left alone, so running Execute
// twice is harmless.
func (s *Service) Execute(ctx context.Context, id uuid.UUID) error {
	var p models.Payment
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil // nothing to run: never retry forever
		}
		return err
	}
	if !runnable(Status(p.Status)) {
		return nil
	}
	if brazil.DateOf(p.RunOn).After(clockDate(s.now())) {
		return ErrNotDue
	}
	txn, postErr := s.post(ctx, &p)
	reason := ""
	if postErr != nil {
		code := apperr.CodeOf(postErr)
		r, business := failureReasons[code]
		if !business {
			return postErr // a technical failure: the job retries
		}
		reason = r
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		locked, err := lockPayment(tx, id)
		if err != nil || !runnable(Status(locked.Status)) {
			return err // cancelled or finished meanwhile
		}
		if reason != "" {
			locked.FailureReason = &reason
			return s.move(ctx, tx, locked, StatusFailed, "system", &reason)
		}
		now := s.now()
		locked.LedgerTransactionID, locked.FinishedAt = &txn.ID, &now
		if err := s.move(ctx, tx, locked, StatusFinished, "system", nil); err != nil {
			return err
		}
		if s.rail != nil && sentThroughRail(Kind(locked.Kind)) {
			return s.runner.SettleTx(ctx, tx, locked.ID, s.rail.Delay())
		}
		return nil
	})
}

func runnable(s Status) bool {
	return s == StatusApproved || s == StatusScheduled || s == StatusDelayed
}

// post writes the payment's movement: to the target account for an internal transfer, to the
// bank's settlement account (money leaving the institution) for a TED or a barcode payment; the
// fee, if any, to fee income.
func (s *Service) post(ctx context.Context, p *models.Payment) (*ledger.Transaction, error) {
	key := "payment:" + p.ID.String()
	amount, fee := money.Cents(p.AmountCents), money.Cents(p.FeeCents)
	desc := describe(p)
	t := TargetOf(p.Target)
	if Kind(p.Kind) == KindInternalTransfer {
		return s.ledger.Transfer(ctx, ledger.TransferInput{IdempotencyKey: key, From: p.AccountID, To: *t.AccountID,
			Amount: amount, Fee: fee, Description: desc, OperationID: &p.ID})
	}
	kind := ledger.KindExternal
	if Kind(p.Kind) != KindTED {
		kind = ledger.KindPayment
	}
	cp := &ledger.Counterparty{Name: t.Name, Document: t.Document, DocumentType: t.DocumentType, InstitutionISPB: t.ISPB,
		InstitutionCode: t.BankCode, InstitutionName: t.BankName, BranchCode: t.BranchCode, AccountCode: t.AccountCode, AccountType: t.AccountType}
	postings := []ledger.Posting{
		{AccountID: p.AccountID, Amount: -amount, Fee: fee, CashOut: true, Counterparty: cp},
		{System: ledger.Settlement, Amount: amount},
	}
	if fee > 0 {
		postings = append(postings,
			ledger.Posting{AccountID: p.AccountID, Amount: -fee, Kind: ledger.KindFee, Description: "Tarifa: " + desc},
			ledger.Posting{System: ledger.FeeIncome, Amount: fee, Kind: ledger.KindFee})
	}
	return s.ledger.Post(ctx, ledger.Movement{IdempotencyKey: key, Kind: kind, Description: desc, OperationID: &p.ID, Postings: postings})
}

// describe is the statement text of a payment: the tenant's description, or what it pays.
func describe(p *models.Payment) string {
	if p.Description != nil {
		return *p.Description
	}
	t := TargetOf(p.Target)
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
