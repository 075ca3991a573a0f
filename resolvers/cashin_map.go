package resolvers

import (
	"github.com/google/uuid"

	"github.com/ponte-bff/ponte/banking/ledger"
	"github.com/ponte-bff/ponte/events"
	"github.com/ponte-bff/ponte/globalid"
	"github.com/ponte-bff/ponte/graph/model"
)

// entryEventWanted reports whether e is a statement entry a statementEntryAdded stream asked for:
// on account (any when nil), in direction (any when nil). It decides nothing about who may see it.
func entryEventWanted(e *events.Event, account *uuid.UUID, direction *model.EntryDirection) bool {
	return e.Topic == events.TopicStatementEntry && e.AccountID != nil && e.EntryID != nil &&
		(account == nil || *e.AccountID == *account) && (direction == nil || e.ToStatus == string(*direction))
}

func statementEntryEventOut(e *events.Event, entry *ledger.Entry) *model.StatementEntryEvent {
	return &model.StatementEntryEvent{Entry: entryOut(entry), AccountID: globalid.Encode(globalid.Account, *e.AccountID),
		Name: e.Name, Cursor: events.CursorOf(e).String()}
}
