package resolvers

import (
	"context"

	"github.com/ponte-bff/ponte/apperr"
	"github.com/ponte-bff/ponte/auth"
	"github.com/ponte-bff/ponte/events"
)

// stream runs one subscription over the event log (events.Follow) from the client's `after`
// cursor, when given. send filters, re-authorizes and maps every event; false skips it. guard
// (nil: none) ends the subscription when its caller may no longer hold it open, and hears of every
// event it reads.
func stream[T any](ctx context.Context, hub *events.Hub, guard *auth.StreamGuard, after *string, send func(*events.Event) (*T, bool)) (<-chan *T, error) {
	var from *events.Cursor
	if after != nil && *after != "" {
		c, err := events.ParseCursor(*after)
		if err != nil {
			return nil, apperr.Field(apperr.BadInput, []string{"after"}, "after is not a cursor this stream gave")
		}
		from = &c
	}
	if guard == nil {
		return events.Follow(ctx, hub, from, send), nil
	}
	ctx = guard.Watch(ctx)
	if tenant := guard.TenantID(); tenant != nil { // its consents' and its own changes, without waiting for the log's order
		context.AfterFunc(ctx, hub.WatchTenant(*tenant, guard.Notice))
	}
	return events.Follow(ctx, hub, from, func(e *events.Event) (*T, bool) {
		guard.Notice(e)
		return send(e)
	}), nil
}
