package model

import "context"

// Count is a connection's totalCount, counted only when a client selects it: a page of items does
// not pay for counting every row, and a client that asks pays one count query per connection.
type Count struct {
	// Of counts the connection's items over all its pages, with the filters of the page.
	Of func(context.Context) (int, error) `json:"-"`
}

// TotalCount is the resolver of the connection's totalCount field.
func (c Count) TotalCount(ctx context.Context) (int, error) {
	if c.Of == nil {
		return 0, nil
	}
	return c.Of(ctx)
}

// The connections whose totalCount is counted on demand (gqlgen.yml binds them here).

// PaymentConnection is a page of payments.
type PaymentConnection struct {
	Edges    []*PaymentEdge `json:"edges"`
	Nodes    []*Payment     `json:"nodes"`
	PageInfo *PageInfo      `json:"pageInfo"`
	Count
}

// StatementConnection is a page of statement entries.
type StatementConnection struct {
	Edges    []*StatementEdge  `json:"edges"`
	Nodes    []*StatementEntry `json:"nodes"`
	PageInfo *PageInfo         `json:"pageInfo"`
	Count
}

// WebhookDeliveryConnection is a page of webhook deliveries.
type WebhookDeliveryConnection struct {
	Edges    []*WebhookDeliveryEdge `json:"edges"`
	Nodes    []*WebhookDelivery     `json:"nodes"`
	PageInfo *PageInfo              `json:"pageInfo"`
	Count
}

// BoletoConnection is a page of boletos.
type BoletoConnection struct {
	Edges    []*BoletoEdge `json:"edges"`
	Nodes    []*Boleto     `json:"nodes"`
	PageInfo *PageInfo     `json:"pageInfo"`
	Count
}

// ContactConnection is a page of contacts.
type ContactConnection struct {
	Edges    []*ContactEdge `json:"edges"`
	Nodes    []*Contact     `json:"nodes"`
	PageInfo *PageInfo      `json:"pageInfo"`
	Count
}

// PayrollConnection is a page of payrolls.
type PayrollConnection struct {
	Edges    []*PayrollEdge `json:"edges"`
	Nodes    []*Payroll     `json:"nodes"`
	PageInfo *PageInfo      `json:"pageInfo"`
	Count
}
