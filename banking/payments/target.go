package payments

import (
	"github.com/ponte-bff/ponte/brazil"
	"github.com/ponte-bff/ponte/models"
)

// Target is who or what a payment pays: a Ponte account, a bank account elsewhere, or a barcode.
// It is the payment's Target field, which gorm stores as JSON.
type Target = models.PaymentTarget

// HidesBeneficiary reports whether a payment's target shows its holder only masked
// (MaskBeneficiary) to a caller who may not read the receiving account: a transfer to another
// Ponte account names who receives it once it has FINISHED (a REFUNDED payment had), never
// before. Otherwise a tenant could learn the owner of any account code by asking for a transfer
// that will never run. A TED's target is what the tenant typed itself: shown as given.
func HidesBeneficiary(s Status, t Target) bool {
	return t.AccountID != nil && s != StatusFinished && s != StatusRefunded
}

// MaskBeneficiary returns t with its holder's name and document masked, as Stone shows a
// beneficiary before a transfer runs (brazil.MaskName, brazil.MaskDocument).
func MaskBeneficiary(t Target) Target {
	t.Name, t.Document = brazil.MaskName(t.Name), brazil.MaskDocument(t.Document)
	return t
}
