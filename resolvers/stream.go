package resolvers

import (
	"context"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/events"
)

// stream runs one subscription over the event log (events.Follow) from the client's `after`
// cursor, when given. send filters, re-authorizes and maps every event; false skips it.
func stream[T any](ctx context.Context, hub *events.Hub, after *string, send func(*events.Event) (*T, bool)) (<-chan *T, error) {
	var from *events.Cursor
	if after != nil && *after != "" {
		c, err := events.ParseCursor(*after)
		if err != nil {
			return nil, apperr.Field(apperr.BadInput, []string{"after"}, "after is not a cursor this stream gave")
		}
		from = &c
	}
	return events.Follow(ctx, hub, from, send), nil
}
