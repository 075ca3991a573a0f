package ledger

import (
	"context"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/money"
)

// TransferInput moves money between two Ponte accounts (Stone's internal transfer).
type TransferInput struct {
	TenantID       *uuid.UUID // idempotency scope; nil for the bank's own operators
	IdempotencyKey string
	From           uuid.UUID // the account debited: a cash-out, within its limits
	To             uuid.UUID // the account credited
	Amount         money.Cents
	Fee            money.Cents                 // charged to From on top of Amount, credited to fee income; 0: none
	Description    string                      // "" gives "Internal transfer"
	OperationID    *uuid.UUID                  // the payment this transfer executes, if any
	Ahead          func(txnID uuid.UUID) error // the payment's own change, written with it (Movement.Ahead)
}

func (in *TransferInput) validate() error {
	var errs apperr.List
	if in.Amount <= 0 || in.Amount > MaxAmount {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"amount"}, "amount must be between 0.01 and %s", MaxAmount))
	}
	if in.Fee < 0 || in.Fee > MaxAmount {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"fee"}, "fee must be between 0.00 and %s", MaxAmount))
	}
	if in.From == in.To {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"target"}, "the target is the source account"))
	}
	return errs.OrNil()
}

// Transfer moves Amount from one Ponte account to another (statement kind "internal"), and the
// fee, if any, from the source to fee income as entries of kind "fee" in the same transaction.
// For the source it is a cash-out: the available balance must cover Amount + Fee, and Amount
// (not the fee) counts against its daily and monthly limits.
//
// Errors: INVALID (input); NOT_FOUND; ACCOUNT_NOT_APPROVED (either account);
// INSUFFICIENT_FUNDS; LIMIT_EXCEEDED; IDEMPOTENCY_KEY_REUSED.
func (s *Service) Transfer(ctx context.Context, in TransferInput) (*Transaction, error) {
	m, err := in.movement()
	if err != nil {
		return nil, err
	}
	return s.Post(ctx, m)
}

// TransferTx is Transfer inside the caller's transaction tx, as PostTx posts: the payment that
// executes it finishes in the same transaction. Errors: Transfer's.
func (s *Service) TransferTx(ctx context.Context, tx *gorm.DB, in TransferInput) (*Transaction, error) {
	m, err := in.movement()
	if err != nil {
		return nil, err
	}
	return s.PostTx(ctx, tx, m)
}

// movement is the transfer's postings.
func (in *TransferInput) movement() (Movement, error) {
	if err := in.validate(); err != nil {
		return Movement{}, err
	}
	from, to := in.From, in.To
	desc := in.Description
	if desc == "" {
		desc = "Internal transfer"
	}
	postings := []Posting{
		{AccountID: from, Amount: -in.Amount, Fee: in.Fee, CashOut: true, Counterparty: &Counterparty{AccountID: &to}},
		{AccountID: to, Amount: in.Amount, Counterparty: &Counterparty{AccountID: &from}},
	}
	if in.Fee > 0 {
		postings = append(postings,
			Posting{AccountID: from, Amount: -in.Fee, Kind: KindFee, Description: "Fee: internal transfer"},
			Posting{System: FeeIncome, Amount: in.Fee, Kind: KindFee, Description: "Fee: internal transfer", Counterparty: &Counterparty{AccountID: &from}},
		)
	}
	return Movement{
		TenantID: in.TenantID, IdempotencyKey: in.IdempotencyKey, Kind: KindInternal, Description: desc,
		OperationID: in.OperationID, Postings: postings, Ahead: in.Ahead,
	}, nil
}
