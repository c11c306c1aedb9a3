// The peers' upstream access: one shared keep-alive undici Pool per upstream, calls made concurrently.
import { Pool } from 'undici';
import type { Call, Upstreams } from './queries.js';

export function upstreamClient(upstreams: Upstreams) {
  const pools = new Map(Object.entries(upstreams).map(([k, url]) => [k, new Pool(url, { connections: 64, keepAliveTimeout: 60_000 })]));
  return {
    /** Each call's JSON body, in order; a non-200 answer throws with its status. */
    fetch: (calls: Call[]) =>
      Promise.all(
        calls.map(async (c) => {
          const res = await pools.get(c.upstream)!.request({ method: 'GET', path: c.path, headers: c.headers });
          if (res.statusCode !== 200) throw new Error(`${c.upstream} answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`);
          return res.body.json();
        }),
      ),
    close: () => Promise.all([...pools.values()].map((p) => p.close())),
  };
}

/** The upstream URLs a peer process is given (BENCH_UPSTREAMS, JSON). */
export function upstreamsFromEnv(): Upstreams {
  const raw = process.env.BENCH_UPSTREAMS;
  if (!raw) throw new Error('BENCH_UPSTREAMS is not set: start the peers through `npm run bench`.');
  return JSON.parse(raw) as Upstreams;
}
