// The peers' upstream access: one shared keep-alive undici Pool per upstream, calls made concurrently.
// With singleFlight (SINGLE_FLIGHT=1), concurrent identical calls share one upstream answer, as the
// gateway's engine does for concurrent identical pages: a like-for-like floor under identical load.
import { Pool } from 'undici';
import type { Call, Upstreams } from './queries.js';

export function upstreamClient(upstreams: Upstreams, singleFlight = process.env.SINGLE_FLIGHT === '1') {
  const pools = new Map(Object.entries(upstreams).map(([k, url]) => [k, new Pool(url, { connections: 64, keepAliveTimeout: 60_000 })]));
  const inFlight = new Map<string, Promise<unknown>>();
  const get = async (c: Call) => {
    const res = await pools.get(c.upstream)!.request({ method: 'GET', path: c.path, headers: c.headers });
    if (res.statusCode !== 200) throw new Error(`${c.upstream} answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`);
    return res.body.json();
  };
  const shared = (c: Call) => {
    const key = `${c.upstream} ${c.path}`;
    let p = inFlight.get(key);
    if (!p) {
      p = get(c).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
    }
    return p;
  };
  return {
    /** Each call's JSON body, in order; a non-200 answer throws with its status. */
    fetch: (calls: Call[]): Promise<any[]> => Promise.all(calls.map(singleFlight ? shared : get)),
    close: () => Promise.all([...pools.values()].map((p) => p.close())),
  };
}

/** The upstream URLs a peer process is given (BENCH_UPSTREAMS, JSON). */
export function upstreamsFromEnv(): Upstreams {
  const raw = process.env.BENCH_UPSTREAMS;
  if (!raw) throw new Error('BENCH_UPSTREAMS is not set: start the peers through `npm run bench`.');
  return JSON.parse(raw) as Upstreams;
}
