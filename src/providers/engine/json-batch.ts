// Per-user lookups sent inside OData JSON batches (Microsoft Graph `$batch`): up to `maxBatch` GET sub-requests
// per POST, each answer read on its own. Docs: https://learn.microsoft.com/graph/json-batching (the request and
// response format; responses may come in any order; at most 20 requests), https://learn.microsoft.com/graph/throttling
// (a throttled sub-request answers 429 with its own Retry-After while the batch itself is 200).
import { setTimeout as sleep } from 'node:timers/promises';
import { classOfStatus, GatewayError, upstreamError } from './errors.js';
import { waitSeconds } from './http.js';
import { redactSecrets, secretsOf } from './redact.js';
import type { Account, Scope } from './scope.js';
import type { EnrichDefinition, EnrichableField, ProviderDefinition, Ref, RequestVars } from './types.js';

/** Throttled sub-requests are sent again this many times, each time after their longest Retry-After. */
const RESENDS = 3;
/** A sub-request asked to wait longer than this fails with UPSTREAM_RATE_LIMITED (retryAfter) instead of waiting. */
const MAX_WAIT_SECONDS = 5;
const RESEND_STATUS = new Set([429, 503]);

interface Item { key: string; url: string }
/** Query text as Graph's own examples write it: `$` and `,` stay readable (both are legal in a query). */
const enc = (s: string) => encodeURIComponent(s).replace(/%24/g, '$').replace(/%2C/g, ',');
interface SubResponse { id?: unknown; status?: unknown; headers?: unknown; body?: unknown }

/** The per-user lists of `ids` (remote ids), by id: refs, or the error that user's lookup ended with. */
export async function loadBatched(scope: Scope, account: Account, def: ProviderDefinition, field: EnrichableField, spec: EnrichDefinition, ids: readonly string[], vars: RequestVars): Promise<Map<string, Ref[] | Error>> {
  const out = new Map<string, Ref[] | Error>();
  const batch = scope.render(account, def, spec.batch!, vars);
  // Sub-request URLs are relative to the batch endpoint's folder: Graph's `/v1.0/$batch` takes `/users/…`.
  const folder = batch.rendered.path.slice(0, batch.rendered.path.lastIndexOf('/'));
  const items: Item[] = [];
  for (const id of ids) {
    try {
      const { rendered } = scope.render(account, def, spec, { ...vars, id });
      const path = rendered.path.startsWith(`${folder}/`) ? rendered.path.slice(folder.length) : rendered.path;
      const query = rendered.query.length ? `?${rendered.query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : '';
      items.push({ key: id, url: path + query });
    } catch (e) {
      out.set(id, e as Error);
    }
  }
  const read = (raw: unknown): Ref | null => { const id = spec.id(raw); return id === null ? null : { id, name: spec.name(raw) }; };
  let pending = items;
  for (let round = 0; pending.length; round++) {
    const again: Item[] = [];
    let wait = 0;
    // Each round its own page kind: a resent batch may equal the one just answered, which must not be reused.
    const pageSpec = { kind: `enrich:${field}:batch:${round}`, records: (b: any) => b?.responses, idempotent: true };
    for (let i = 0; i < pending.length; i += spec.maxBatch) {
      const chunk = pending.slice(i, i + spec.maxBatch);
      const request = { ...batch.request, body: { requests: chunk.map((it, n) => ({ id: String(n + 1), method: 'GET', url: it.url })) } };
      let responses: SubResponse[];
      try {
        responses = (await scope.loadPage(account, def, pageSpec, request, batch.headers)).records as SubResponse[];
      } catch (e) {
        for (const it of chunk) out.set(it.key, e as Error);
        continue;
      }
      const byId = new Map(responses.filter((r) => r && typeof r === 'object').map((r) => [String(r.id), r]));
      chunk.forEach((it, n) => {
        const r = byId.get(String(n + 1));
        const status = Number(r?.status);
        if (!r || !Number.isInteger(status)) {
          out.set(it.key, new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} answered a batch without a response for one of its requests. The upstream API may have changed; check the account's base URL.`, { provider: def.slug }));
          return;
        }
        if (status >= 200 && status < 300) {
          const records = spec.records(r.body);
          out.set(it.key, Array.isArray(records) ? records.map(read).filter((x): x is Ref => x !== null) : new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} answered a batched lookup without the expected list of records.`, { provider: def.slug, upstreamStatus: status }));
          return;
        }
        if (status === 404) return void out.set(it.key, []); // the user is gone since the list was read: nothing to list
        const headers = Object.fromEntries(Object.entries((r.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]));
        const seconds = waitSeconds(headers, def.rateLimit) ?? 1;
        if (RESEND_STATUS.has(status) && round < RESENDS && seconds <= MAX_WAIT_SECONDS) {
          again.push(it);
          wait = Math.max(wait, seconds);
          return;
        }
        // As the HTTP layer does: redact the whole text before shortening it.
        const detail = def.errors.message?.(r.body);
        const said = detail ? redactSecrets(detail, secretsOf(account.credentials)).slice(0, 300) : undefined;
        out.set(it.key, upstreamError(def.slug, classOfStatus(status) === 'REDIRECT' ? 'BAD_RESPONSE' : classOfStatus(status), status, said, status === 429 ? Math.ceil(seconds) : undefined));
      });
    }
    if (again.length && wait > 0) await sleep(wait * 1000);
    pending = again;
  }
  return out;
}
