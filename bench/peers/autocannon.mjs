// The load generator when wrk is not installed: autocannon in its own process, printing wrk's summary line.
//   node bench/peers/autocannon.mjs <url> <bodyFile> <connections> <seconds> <authorization>
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, bodyFile, connections, seconds, authorization] = process.argv.slice(2);
const r = await autocannon({
  url, method: 'POST', body: readFileSync(bodyFile, 'utf8'), connections: Number(connections), duration: Number(seconds), timeout: 10,
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization },
});
// autocannon's percentiles are whole milliseconds.
process.stdout.write(`@@RESULT ${JSON.stringify({ requests: r.requests.total, duration_us: Math.round((r.duration || Number(seconds)) * 1e6), errors: r.errors + r.timeouts, non2xx: r.non2xx, p50_us: r.latency.p50 * 1000, p99_us: r.latency.p99 * 1000 })}\n`);
