// Runs graphql-http's GraphQL-over-HTTP server audits (serverAudits) against a running Ponte and
// prints every result as one JSON array on stdout: [{id, name, status, reason}], status being
// "ok", "warn" or "error". Usage: node audit.mjs <graphql-url> <bearer-token>
// The audits send no credentials of their own; the token goes on every request so that a
// refusal for want of one is not mistaken for the transport's answer.
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node audit.mjs <graphql-url> <bearer-token>');
  process.exit(2);
}

function fetchWithToken(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetchWithToken })) {
  const r = await audit.fn();
  results.push({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? '' });
}
process.stdout.write(JSON.stringify(results));
