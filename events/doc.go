// Package events owns the event log, the one append-only record of every status change of a
// payment, a consent or a tenant (disabled, enabled: a trigger on tenants writes those), and of
// every statement entry the ledger writes on a customer account (RecordAll, EntryDetail): what
// changed, who changed it, why, and the request behind it. Record
// appends an event in the same transaction as the change; PostgreSQL NOTIFYs every replica at
// commit, and each replica's Hub reads the new events in commit-safe order and fans them out to
// its local subscribers. ReadAfter is the one way to read the log in order: the Hub, Follow (a
// subscription that replays from a cursor, then goes live) and the webhook dispatcher all use it.
// A cursor (Cursor) lets a reader resume where it stopped, with no gap and no duplicate.
//
// It never decides who may see an event: subscribers re-authorize every event they receive.
package events
