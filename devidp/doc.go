// Package devidp is Ponte's development OpenID Provider, built on zitadel's
// certified op package with in-memory storage. Ponte serves it on its own
// listener when no external issuer is configured, and tests start it in
// process. It owns demo clients, a demo holder and a login form; it must
// never run in production (it keeps everything but its signing key in memory, trusts its
// configured users as given and, for a loopback issuer, runs over http).
//
// Development builds the provider a development server serves: Demo's clients
// and people plus the server's own login client and the GraphQL IDE's
// (DemoIDEClientID); StoredSigningKey keeps its signing key in the database so
// tokens survive a restart; DemoExamples are the IDE's first tabs.
//
// It offers exactly:
//   - discovery (/.well-known/openid-configuration) and the JWKS (/keys);
//   - /authorize with an HTML login form: authorization code flow, PKCE S256
//     only (required for public clients), nonce, no login session;
//   - /oauth/token: authorization_code and client_credentials, with
//     client_secret_basic, client_secret_post, private_key_jwt (RS256,
//     single-use jti) or, for public clients, none;
//   - /userinfo for user access tokens.
//
// Access tokens are RS256 JWTs for the configured audience with client_id,
// azp, sub, scope, exp, iat, iss and jti; user tokens add the document
// claim, client-credentials tokens the roles claim. ID tokens are for the
// client and carry sub, name, email, the document claim, auth_time, amr and
// nonce.
package devidp
