// Package webhooks owns signed webhook delivery to tenants, in the Standard Webhooks convention
// (https://www.standardwebhooks.com): a tenant registers endpoints; every event of the event log
// (package events) that concerns the tenant and matches an endpoint's filter becomes one delivery,
// POSTed as JSON with the webhook-id, webhook-timestamp and webhook-signature headers, retried with
// exponential backoff for more than a day, each attempt logged where the tenant can read it.
//
// Dispatch: a River periodic job (every second, on the leader) runs Dispatch, which, in one
// transaction holding the webhook_dispatch_cursor row, reads the events after the cursor, inserts a
// webhook_deliveries row and its River delivery job for each (event, endpoint), and moves the
// cursor. The rows, the jobs and the cursor commit together or not at all, and the unique key
// (endpoint_id, event_id) refuses a second delivery: no event is lost or delivered twice by
// dispatch, whatever the number of replicas or crashes. The HTTP delivery itself is at least once
// (a replica can die after the POST and before recording it): receivers de-duplicate on webhook-id,
// which is the event's id and never changes across retries and redeliveries.
//
// Formats: an endpoint is STANDARD (the above) or STONE, Stone's own webhooks (package
// stoneformat: {"encrypted_body": JWE(JWS)} with x-stone-webhook-event-id, the event id as
// webhook-id is). Dispatch, retries, the delivery log and redelivery are the same for both; only
// the request an attempt sends differs (request). A STONE body is the resource's snapshot, so for
// it this package also reads the event's payment or consent row (stoneFacts). The keys that sign
// STONE bodies are Ponte's (webhook_signing_keys, sealed), published as a JWKS at KeysPath and
// rotated by an operator with an overlap (RotateSigningKey).
//
// It never decides who may see an event: an event goes to the endpoints of the tenant named in the
// event (events.Event.TenantID), while auth says the tenant is enabled; a statement entry, which
// names no tenant, goes to the tenants auth says reach its account with statement:read
// (auth.TenantsReaching), judged again before every attempt. It reads and writes only its
// own tables (webhook_*, rows in models) and, for STONE snapshots, the event's payment or consent
// row: the event log it reads through package events
// (events.ReadAfter, events.Find), and it never imports graph/ or resolvers/.
package webhooks
