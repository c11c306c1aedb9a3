// /healthz: the process answers. /readyz: the account store is reachable and its migrations are applied,
// so a load balancer sends traffic only to gateways that can authenticate and find accounts.
import type { Plugin } from 'graphql-yoga';
import type { AccountStore, StoreHealth } from '../accounts/store.js';

export function healthPlugin(store: AccountStore, { timeoutMs = 2000 }: { timeoutMs?: number } = {}): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/healthz' && url.pathname !== '/readyz') return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      const json = (status: number, body: unknown) =>
        endResponse(new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } }));
      if (url.pathname === '/healthz') return json(200, { status: 'ok' });
      let timer: NodeJS.Timeout | undefined;
      const health = await Promise.race<StoreHealth>([
        store.health?.() ?? Promise.resolve({ ok: true, detail: {} }),
        new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs, { ok: false, detail: { reachable: false, reason: `no answer within ${timeoutMs} ms` } }))),
      ])
        .catch((): StoreHealth => ({ ok: false, detail: { reachable: false } }))
        .finally(() => clearTimeout(timer));
      return json(health.ok ? 200 : 503, { status: health.ok ? 'ready' : 'unavailable', ...health.detail });
    },
  };
}
