// A webhook receiver for Stone's format, written from Stone's published description only
// (docs.openbank.stone.com.br, "Webhooks"): the body is {"encrypted_body": "<compact JWE>"}; the
// JWE (RSA-OAEP-256, A256GCM) is decrypted with the partner's private key; its plaintext is a
// compact JWS (RS256) verified with the key whose kid matches in the JWKS at
// /api/v1/discovery/keys (cached, fetched again on a kid it does not know); the claims carry
// event_type, target_id and target_data (with account_id). It dedupes on the
// x-stone-webhook-event-id header.
//
// Usage: node receiver.mjs <jwks url> <private key PEM file (PKCS #8)>
// It prints {"listening": "<url>"} once, then one JSON line per request: {"accepted": {...}} or
// {"refused": "<why>"}, and answers 200 or 400.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { compactDecrypt, createRemoteJWKSet, importPKCS8, jwtVerify, decodeProtectedHeader } from 'jose';

const [jwksURL, keyFile] = process.argv.slice(2);
if (!jwksURL || !keyFile) {
  console.error('usage: node receiver.mjs <jwks url> <private key PEM file>');
  process.exit(2);
}
const privateKey = await importPKCS8(readFileSync(keyFile, 'utf8'), 'RSA-OAEP-256');
// Cached; a kid it does not hold makes it fetch the set again (no cooldown: a rotation is seen at once).
const keys = createRemoteJWKSet(new URL(jwksURL), { cooldownDuration: 0 });
const seen = new Set();

function say(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function open(headers, raw) {
  const eventId = headers['x-stone-webhook-event-id'];
  const eventType = headers['x-stone-webhook-event-type'];
  if (!eventId || !eventType) throw new Error('missing x-stone-webhook-event-id or x-stone-webhook-event-type');
  const body = JSON.parse(raw);
  if (typeof body.encrypted_body !== 'string') throw new Error('no encrypted_body');
  const { plaintext, protectedHeader: jweHeader } = await compactDecrypt(body.encrypted_body, privateKey, {
    keyManagementAlgorithms: ['RSA-OAEP-256'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  const jws = new TextDecoder().decode(plaintext);
  const kid = decodeProtectedHeader(jws).kid;
  const { payload } = await jwtVerify(jws, keys, { algorithms: ['RS256'] });
  if (payload.event_type !== eventType) throw new Error(`event_type ${payload.event_type} is not the header's ${eventType}`);
  if (!payload.target_data || !payload.target_data.account_id) throw new Error('target_data.account_id missing');
  return {
    event_id: eventId,
    duplicate: seen.has(eventId),
    event_type: payload.event_type,
    target_type: payload.target_type,
    target_id: payload.target_id,
    account_id: payload.target_data.account_id,
    status: payload.target_data.status ?? null,
    amount: payload.target_data.amount ?? null,
    env: payload.env,
    kid,
    jwe: { alg: jweHeader.alg, enc: jweHeader.enc },
  };
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      if (req.method !== 'POST') throw new Error(`method ${req.method}`);
      const accepted = await open(req.headers, Buffer.concat(chunks).toString('utf8'));
      seen.add(accepted.event_id);
      say({ accepted });
      res.writeHead(200).end();
    } catch (err) {
      say({ refused: `${err.code ?? err.name}: ${err.message}` });
      res.writeHead(400).end();
    }
  });
});
server.listen(0, '127.0.0.1', () => say({ listening: `http://127.0.0.1:${server.address().port}/stone-hooks` }));
