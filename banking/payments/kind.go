package payments

// Kind is what a payment does (GraphQL PaymentKind).
type Kind string

const (
	KindInternalTransfer Kind = "INTERNAL_TRANSFER"
	KindTED              Kind = "TED"
	KindBoleto           Kind = "BOLETO"  // a boleto de cobrança, by barcode or typed line
	KindBarcode          Kind = "BARCODE" // arrecadação: utilities and taxes
	KindPayroll          Kind = "PAYROLL"
)

// Status is a payment's status, in Stone's vocabulary (API.md).
type Status string

const (
	StatusCreated   Status = "CREATED" // waiting for the holder's approval
	StatusApproved  Status = "APPROVED"
	StatusScheduled Status = "SCHEDULED"
	StatusDelayed   Status = "DELAYED_TO_NEXT_BUSINESS_DAY"
	StatusFinished  Status = "FINISHED"
	StatusFailed    Status = "FAILED"
	StatusRejected  Status = "REJECTED"
	StatusCancelled Status = "CANCELLED"
	StatusExpired   Status = "EXPIRED"
	StatusRefunded  Status = "REFUNDED"
)

// transitions is the payment status machine of API.md.
var transitions = map[Status][]Status{
	StatusCreated:   {StatusApproved, StatusRejected, StatusExpired, StatusCancelled},
	StatusApproved:  {StatusScheduled, StatusDelayed, StatusFinished, StatusFailed},
	StatusScheduled: {StatusFinished, StatusFailed, StatusCancelled, StatusExpired},
	StatusDelayed:   {StatusFinished, StatusFailed, StatusCancelled, StatusExpired},
	StatusFinished:  {StatusRefunded},
}

// CanMove reports whether from → to is a transition of the machine.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
