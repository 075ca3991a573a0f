package ledger

import (
	"context"
	"regexp"

	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/money"
)

// DepositInput is money arriving from another bank: an incoming TED credited to a Ponte account.
type DepositInput struct {
	TenantID       *uuid.UUID // idempotency scope; nil for the bank's own operators
	IdempotencyKey string
	AccountID      uuid.UUID // the account credited
	Amount         money.Cents
	Description    string       // "" gives "TED from <sender>"
	From           Counterparty // the sender as the TED carried it; sandbox: SandboxCounterparty
}

var ispbPattern = regexp.MustCompile(`^[0-9]{8}$`)

func (in *DepositInput) validate() error {
	var errs apperr.List
	if in.Amount <= 0 || in.Amount > MaxAmount {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"amount"}, "amount must be between 0.01 and %s", MaxAmount))
	}
	if in.From.AccountID != nil {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"from"}, "a deposit comes from another bank; use Transfer between Ponte accounts"))
	}
	if in.From.Name == "" {
		errs = append(errs, apperr.Field(apperr.Required, []string{"from", "name"}, "the sender's name is required"))
	}
	if doc, err := brazil.ParseDocument(in.From.Document, brazil.DocumentType(in.From.DocumentType)); err != nil {
		errs = append(errs, apperr.Field(apperr.InvalidDocument, []string{"from", "document"}, "%s", err.Error()))
	} else {
		in.From.Document, in.From.DocumentType = doc.Number, string(doc.Type)
	}
	if !ispbPattern.MatchString(in.From.InstitutionISPB) {
		errs = append(errs, apperr.Field(apperr.Invalid, []string{"from", "institutionIspb"}, "the sender's bank ISPB must have 8 digits"))
	}
	return errs.OrNil()
}

// Deposit credits an account with money from another bank, as an incoming TED (statement kind
// "external"): the customer is credited and the settlement account debited. It backs the
// sandbox's sandboxDeposit; the TED rail will use it for real incoming TEDs. Only an APPROVED
// account with a payment account can receive.
//
// Errors: INVALID, REQUIRED, INVALID_DOCUMENT (input); NOT_FOUND; ACCOUNT_NOT_APPROVED;
// IDEMPOTENCY_KEY_REUSED.
func (s *Service) Deposit(ctx context.Context, in DepositInput) (*Transaction, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	from := in.From
	account := in.AccountID
	desc := in.Description
	if desc == "" {
		desc = truncate("TED from "+from.Name, MaxDescription)
	}
	return s.Post(ctx, Movement{
		TenantID: in.TenantID, IdempotencyKey: in.IdempotencyKey, Kind: KindExternal, Description: desc,
		Postings: []Posting{
			{AccountID: account, Amount: in.Amount, Counterparty: &from},
			{System: Settlement, Amount: -in.Amount, Counterparty: &Counterparty{AccountID: &account}},
		},
	})
}

// truncate cuts s to at most n characters.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
