package payments

import (
	"context"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/models"
)

// Reasons a cash-out stops because the consent it was created through ended (the event's reason;
// FAILED payments also carry it as their failureReason): revoked or expired when the consent's end
// stops it, ended when approval or execution finds the basis gone.
const (
	ReasonConsentRevoked = "consent_revoked"
	ReasonConsentExpired = "consent_expired"
	ReasonConsentEnded   = "consent_ended"
)

// StopForEndedConsent stops, inside tx, the cash-out a tenant created on an account it reached
// through a consent that has just ended (revoked or expired, in the same tx): every such payment
// that has not run and that no other grant still covers — the tenant owns the account or holds
// another live consent with payments:initiate on it (auth.TenantReaches) — becomes CANCELLED when
// waiting (CREATED, SCHEDULED, DELAYED_TO_NEXT_BUSINESS_DAY) and FAILED when APPROVED and about to
// run (the status machine has no APPROVED → CANCELLED), with reason. The consent package calls it
// through its end hook (consent.Service.OnEnd), so the payments stop in the revocation's own
// transaction; Execute and Decide check the basis again, so a payment that slips past never posts.
// consentStatus is the consent's new status: EXPIRED gives consent_expired, anything else
// consent_revoked.
func (s *Service) StopForEndedConsent(ctx context.Context, tx *gorm.DB, tenantID, accountID uuid.UUID, consentStatus string) error {
	reason := ReasonConsentRevoked
	if consentStatus == "EXPIRED" {
		reason = ReasonConsentExpired
	}
	reached, err := auth.TenantReaches(ctx, tx, tenantID, auth.ScopePaymentsInitiate, []uuid.UUID{accountID}, s.now())
	if err != nil || reached[accountID] {
		return err
	}
	var waiting []models.Payment
	err = tx.Raw(`SELECT * FROM payments WHERE tenant_id = ? AND account_id = ? AND status IN ?
		ORDER BY id FOR UPDATE`, tenantID, accountID,
		[]Status{StatusCreated, StatusApproved, StatusScheduled, StatusDelayed}).Scan(&waiting).Error
	if err != nil {
		return err
	}
	for i := range waiting {
		if err := s.stop(ctx, tx, &waiting[i], reason); err != nil {
			return err
		}
	}
	return nil
}

// stop ends a payment that lost its basis: CANCELLED where the machine allows, FAILED otherwise.
func (s *Service) stop(ctx context.Context, tx *gorm.DB, p *models.Payment, reason string) error {
	if CanMove(Status(p.Status), StatusCancelled) {
		return s.move(ctx, tx, p, StatusCancelled, "system", &reason)
	}
	p.FailureReason = &reason
	return s.move(ctx, tx, p, StatusFailed, "system", &reason, "failure_reason")
}

// basisHolds reports whether the payment may still go on: one a tenant created through consent
// (those, and only those, wait for the holder's approval: create) needs the tenant to still reach
// the account with payments:initiate. A payment on an account the tenant owns needs nothing more.
func (s *Service) basisHolds(ctx context.Context, tx *gorm.DB, p *models.Payment) (bool, error) {
	if p.TenantID == nil || p.ApprovalStatus == nil {
		return true, nil
	}
	reached, err := auth.TenantReaches(ctx, tx, *p.TenantID, auth.ScopePaymentsInitiate, []uuid.UUID{p.AccountID}, s.now())
	return reached[p.AccountID], err
}

// basesHold is basisHolds for a batch of payments whose rows tx holds, by payment: one query per
// tenant that created any of them through consent, whatever their number.
func (s *Service) basesHold(ctx context.Context, tx *gorm.DB, ps []*models.Payment) (map[uuid.UUID]bool, error) {
	out := make(map[uuid.UUID]bool, len(ps))
	byTenant := map[uuid.UUID][]uuid.UUID{}
	for _, p := range ps {
		if p.TenantID == nil || p.ApprovalStatus == nil {
			out[p.ID] = true
			continue
		}
		byTenant[*p.TenantID] = append(byTenant[*p.TenantID], p.AccountID)
	}
	for tenant, accountIDs := range byTenant {
		reached, err := auth.TenantReaches(ctx, tx, tenant, auth.ScopePaymentsInitiate, accountIDs, s.now())
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.TenantID != nil && *p.TenantID == tenant && p.ApprovalStatus != nil {
				out[p.ID] = reached[p.AccountID]
			}
		}
	}
	return out, nil
}
