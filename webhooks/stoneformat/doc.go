// Package stoneformat builds webhooks in Stone's format (DOMAIN.md Part 1 §7), for the ERPs that
// already consume Stone's: a POST with the headers x-stone-webhook-event-id and
// x-stone-webhook-event-type and the body {"encrypted_body": "<compact JWE>"}, the JWE
// (RSA-OAEP-256, A256GCM) encrypted to the tenant's RSA public key, its plaintext a compact JWS
// (RS256, with kid) signed by Ponte over Stone's claims: env, event_type, id, event_happened_at,
// event_notified_at, target_type, target_id, target_detail_uri, target_statement_uri, target_data,
// iat, nbf, jti.
//
// It knows nothing of the database: package webhooks reads the event and the resource it is about
// into Facts, and this package turns them into claims (Claims), how Ponte's event names read in
// Stone's vocabulary (Events, the one table of names) and the sealed body (Seal).
package stoneformat
