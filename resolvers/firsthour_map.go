package resolvers

import (
	"github.com/ponte-bff/ponte/banking/payments"
	"github.com/ponte-bff/ponte/graph/model"
	"github.com/ponte-bff/ponte/models"
)

// warningsOut are the payment's warnings (payments.Warnings) as GraphQL shows them; an empty
// list, never null, when there are none.
func warningsOut(p *models.Payment) []*model.Warning {
	out := []*model.Warning{}
	for _, w := range payments.Warnings(p) {
		out = append(out, &model.Warning{Code: model.WarningCode(w.Code), Message: w.Message})
	}
	return out
}
