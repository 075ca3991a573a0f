package accounts

import "github.com/ponte-bff/ponte/models"

// Status is an account's status as Stone reports it.
type Status string

const (
	StatusLastKYCNotApproved       Status = "LAST_KYC_NOT_APPROVED"
	StatusApproved                 Status = "APPROVED"
	StatusDisabled                 Status = "DISABLED"
	StatusBlocked                  Status = "BLOCKED"
	StatusMissingMovementLimitPlan Status = "MISSING_MOVEMENT_LIMIT_PLAN"
)

// StatusOf returns the status an account reports. MISSING_MOVEMENT_LIMIT_PLAN is derived, not
// stored: an approved account without a plan cannot move money, whatever removed the plan.
func StatusOf(a *models.Account) Status {
	s := Status(a.Status)
	if s == StatusApproved && a.LimitPlanID == nil {
		return StatusMissingMovementLimitPlan
	}
	return s
}

// Decision is an operator's KYC decision.
type Decision string

const (
	DecisionApprove Decision = "APPROVE"
	DecisionBlock   Decision = "BLOCK"
	DecisionDisable Decision = "DISABLE"
)
