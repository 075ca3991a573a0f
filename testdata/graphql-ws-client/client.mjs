// Subscribes with the graphql-ws reference client and prints each result as one JSON line, then
// exits after COUNT results (or fails after TIMEOUT_MS). Used by Ponte's Go tests.
//   node client.mjs <ws url> <bearer token> <query> <count>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, query, count] = process.argv.slice(2);
const want = Number(count || 1);
const timer = setTimeout(() => { console.error('timeout'); process.exit(2); }, Number(process.env.TIMEOUT_MS || 15000));

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
  retryAttempts: 0,
  on: { connected: () => console.log(JSON.stringify({ connected: true })) },
});
let got = 0;
const unsubscribe = client.subscribe({ query }, {
  next: (result) => {
    console.log(JSON.stringify(result));
    if (++got >= want) { unsubscribe(); clearTimeout(timer); client.dispose(); }
  },
  error: (err) => { console.error(JSON.stringify(err)); process.exit(1); },
  complete: () => {},
});
