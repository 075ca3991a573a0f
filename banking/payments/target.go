package payments

import "github.com/ponte-bff/ponte/models"

// Target is who or what a payment pays: a Ponte account, a bank account elsewhere, or a barcode.
// It is the payment's Target field, which gorm stores as JSON.
type Target = models.PaymentTarget
