// Apollo Client (4.x) against a running Ponte, the way an ERP's front end would use it: the
// persisted-queries link (automatic persisted queries: SHA-256 first, the text only when the
// server asks) over the HTTP link, and a query with @defer read through the
// Defer20220824Handler (multipart/mixed). The same query runs twice, from the network each time.
// Prints one JSON object: {results: [data of each run], requests: [{sentQuery, hash, status,
// contentType}]}. Usage: node check.mjs <graphql-url> <bearer-token> <query> <variables JSON>
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createHash } from 'node:crypto';

const [uri, token, query, variables] = process.argv.slice(2);
if (!uri || !token || !query || !variables) {
  console.error('usage: node check.mjs <graphql-url> <bearer-token> <query> <variables JSON>');
  process.exit(2);
}

// Every request the client sends, as the server saw it.
const requests = [];
async function recordingFetch(input, init) {
  const body = JSON.parse(init.body);
  const res = await fetch(input, init);
  requests.push({
    sentQuery: typeof body.query === 'string' && body.query.length > 0,
    hash: body.extensions?.persistedQuery?.sha256Hash ?? '',
    accept: new Headers(init.headers).get('accept') ?? '',
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
  });
  return res;
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const client = new ApolloClient({
  link: new PersistedQueryLink({ sha256 }).concat(
    new HttpLink({ uri, fetch: recordingFetch, headers: { Authorization: `Bearer ${token}` } }),
  ),
  cache: new InMemoryCache(),
  incrementalHandler: new Defer20220824Handler(),
});

const results = [];
for (let i = 0; i < 2; i++) {
  const res = await client.query({ query: gql(query), variables: JSON.parse(variables), fetchPolicy: 'network-only' });
  if (res.error) {
    console.error(res.error);
    process.exit(1);
  }
  results.push(res.data);
}
process.stdout.write(JSON.stringify({ results, requests }));
