// Package events owns the event log: every status change of a payment or a consent is appended
// in the same transaction as the change (Record), PostgreSQL NOTIFYs every replica at commit, and
// each replica's Hub reads the new events in commit-safe order and fans them out to its local
// subscribers. A cursor (Cursor) lets a subscriber resume where it stopped, with no gap and no
// duplicate. Webhook delivery reads the same log.
//
// It never decides who may see an event: subscribers re-authorize every event they receive.
package events
