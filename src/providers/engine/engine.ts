// The engine: given an account and a provider definition, it plans the upstream query, pages through it
// (splitting or joining upstream pages to honour Relay's `first`), maps records, and loads users by id.
// Gateway-wide state (pools, cursor key) lives in Engine; everything per GraphQL request lives in
// RequestScope, whose DataLoaders dedupe identical upstream calls.
// The jobs live beside it: list.ts (planning and the paging loop), by-ids.ts (node lookups), joins.ts (joined
// lists), lookups.ts (filter values and fields filled only when selected).
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { tokenEndpointErrors, type AuthIo } from './auth.js';
import { CursorCodec, stableStringify } from './cursor.js';
import { GatewayError, type GatewayWarning } from './errors.js';
import { UpstreamClient, withCall, type CallOptions, type UpstreamCall } from './http.js';
import { LdapTransport } from './ldap.js';
import { list, type ListArgs, type ListResult } from './list.js';
import { byIds } from './by-ids.js';
import { RateLimits } from './rate-limit.js';
import { SharedPages } from './single-flight.js';
import { Lookups } from './lookups.js';
import { WalkHistory } from './loops.js';
import { NextLinkRefused, underBase } from './paginators.js';
import { redactDeep, redactSecrets, secretsOf, secretsOfHeaders } from './redact.js';
import { contextOf, safePath, type Account, type EngineOptions, type JoinIndex, type MappedPage, type Page, type PageSpec, type Scope } from './scope.js';
import type { Category, ProviderDefinition, RenderedRequest, RequestTemplate, RequestVars, UpstreamRequest, UserRecord } from './types.js';

export type { Account, EngineOptions } from './scope.js';
export type { Edge, ListArgs, ListResult } from './list.js';

/** Upstream calls one GraphQL request may make, across all its fields (limits.maxUpstreamCallsPerRequest). */
export const DEFAULT_MAX_UPSTREAM_CALLS = 200;

interface PageKey { account: Account; def: ProviderDefinition; spec: PageSpec; request: UpstreamRequest; headers: Record<string, string> }

/** Memory the page cache may hold: a few pages of every walk in progress. */
const PAGE_CACHE_BYTES = 64 * 1024 * 1024;

function splitBaseUrl(baseUrl: string): { origin: string; basePath: string } {
  const u = new URL(baseUrl);
  // protocol + host rather than `origin`, which is "null" for schemes URL does not know (ldap:, ldaps:).
  return { origin: `${u.protocol}//${u.host}`, basePath: u.pathname.replace(/\/+$/, '') };
}

export class Engine {
  readonly cursors: CursorCodec;
  /** Where each issued position's walk has been, to refuse an upstream that loops across requests. */
  readonly walks: WalkHistory;
  /** Joined lists shared across requests: a client paging through users re-reads the same usage report. */
  readonly joinCache: LRUCache<string, Promise<JoinIndex>> | null;
  /** The second transport (ProviderDefinition.transport LDAP), with the HTTP client's guard, deadline and retries. */
  readonly ldap: LdapTransport;
  /** Upstream pages shared across requests: one call for concurrent identical requests, and the page cache. */
  readonly pages: SharedPages<Page>;
  /** Each account's request bucket. */
  readonly rateLimits: RateLimits;
  /** List pages a walk may resume inside (first smaller than the upstream page): bounded in bytes and age. */
  readonly pageCache: LRUCache<string, Page> | null;
  /** Pages' records already mapped, when the mapping needs no joined data: a shared or cached page is read by
   *  many requests, and each would otherwise map the same records again. Keyed by the page's records array. */
  readonly mapped = new WeakMap<readonly unknown[], MappedPage>();
  constructor(readonly client: UpstreamClient, cursorSecret: string, readonly options: EngineOptions) {
    this.cursors = new CursorCodec(cursorSecret, options.cursorStore);
    this.walks = new WalkHistory(options.cursorStore);
    this.ldap = new LdapTransport(client.options);
    this.joinCache = options.joinCacheMs > 0 ? new LRUCache({ max: 1000, ttl: options.joinCacheMs }) : null;
    this.pages = new SharedPages(options.pageCacheMs ?? 0, options.pageCacheMax ?? 1000);
    this.rateLimits = new RateLimits(options.rateLimitWaitMs ?? 10_000);
    const resumeCacheMs = options.resumeCacheMs ?? 120_000;
    this.pageCache = resumeCacheMs > 0 ? new LRUCache({ max: 1000, maxSize: PAGE_CACHE_BYTES, sizeCalculation: (p) => Math.max(1, p.bytes), ttl: resumeCacheMs }) : null;
  }
  /** A GraphQL request's scope; `signal` (its budget, the client leaving, shutdown) aborts its upstream calls. */
  scope(signal?: AbortSignal): RequestScope {
    return new RequestScope(this, signal);
  }
  /** Closes what the engine keeps open besides the HTTP pools (LDAP searches kept for their next page). */
  close(): Promise<void> {
    return this.ldap.close();
  }
}

/** Per GraphQL request: page cache (DataLoader), join cache, and whether debug records are wanted. */
export class RequestScope implements Scope {
  debug = false;
  /** What the engine refused while answering this request, for the response's extensions.warnings. */
  readonly warnings: (GatewayWarning & { path: (string | number)[] })[] = [];
  private readonly pages: DataLoader<PageKey, Page, string>;
  readonly joins = new Map<string, Promise<JoinIndex>>();
  /** Filter values and fields filled only when selected, through this scope's page loader. */
  readonly lookups: Lookups;
  /** Upstream calls made for this request so far (the per-request budget). */
  private upstreamCalls = 0;
  /** Secrets auth headers derived per account (minted tokens), so cursors and records never carry them. */
  private readonly derived = new Map<string, Set<string>>();

  constructor(readonly engine: Engine, readonly signal?: AbortSignal) {
    this.lookups = new Lookups(this);
    this.pages = new DataLoader(async (keys) => Promise.all(keys.map((k) => this.fetchPage(k).catch((e: Error) => e))), {
      cacheKeyFn: (k) => `${k.account.id}|${k.spec.kind}|${stableStringify(k.request)}|${stableStringify(k.headers)}`,
    });
  }

  target(account: Account, def: ProviderDefinition) {
    const base = account.context.baseUrl ?? def.baseUrl(contextOf(account, def));
    if (!base) throw new GatewayError('INTEGRATED_ACCOUNT_NOT_FOUND', `The integrated account ${account.id} has no base URL for ${def.slug}; set context.baseUrl.`);
    return splitBaseUrl(base);
  }

  private authIo(def: ProviderDefinition, secrets: string[]): AuthIo {
    const postToken: AuthIo['postToken'] = async (url, req) => {
      const u = new URL(url);
      const res = await this.engine.client.call({
        provider: def.slug,
        origin: u.origin,
        request: { method: 'POST', path: u.pathname, query: [...u.searchParams.entries()], ...(req.json ? { body: req.json } : {}) },
        headers: req.headers ?? {},
        ...(req.json ? {} : { form: req.form ?? {} }),
        secrets: [...secrets, ...(req.secrets ?? []), ...(req.form?.client_secret ? [req.form.client_secret] : [])],
        errors: tokenEndpointErrors(def.errors),
        idempotent: true, // a token grant can be asked for again
        debug: false,
      });
      return res.body;
    };
    return { postToken, postForm: (url, form) => postToken(url, { form }) };
  }

  /** The account's secrets as this request knows them: its credentials and what its auth headers derived (a minted token). */
  secrets(account: Account): readonly string[] {
    return this.secretsReader(account)();
  }

  /** Reads the account's secrets as they stand when called, holding only what they come from, not the scope. */
  secretsReader(account: Account): () => readonly string[] {
    const minted = this.derived;
    return () => {
      const derived = minted.get(account.id);
      const own = secretsOf(account.credentials);
      return derived ? [...new Set([...own, ...derived])] : own;
    };
  }

  /** One more upstream call for this request, or UPSTREAM_BUDGET_EXHAUSTED (counted across all its fields). */
  private spend(def: ProviderDefinition): void {
    const max = this.engine.options.maxUpstreamCallsPerRequest ?? DEFAULT_MAX_UPSTREAM_CALLS;
    if (++this.upstreamCalls > max)
      throw new GatewayError('UPSTREAM_BUDGET_EXHAUSTED', `This request reached its budget of ${max} upstream calls (limits.maxUpstreamCallsPerRequest) before ${def.slug} could be called again. Ask for fewer fields, aliases or ids per request, or page with after.`, { provider: def.slug });
  }

  /** One upstream page, shared with other requests asking for the same one of the same account at the same time. */
  private async fetchPage(k: PageKey): Promise<Page> {
    const key = `${k.account.tenant}\u0000${k.account.id}\u0000${k.spec.kind}\u0000${stableStringify(k.request)}\u0000${stableStringify(k.headers)}\u0000${this.debug ? 1 : 0}`;
    const page = await this.engine.pages.get(key, this.signal, (signal) => this.fetchUpstream(k, signal), (reason) => left(k.def.slug, reason));
    return { ...page, call: { ...page.call } }; // each request marks its own call record (isLooping)
  }

  private async fetchUpstream({ account, def, spec, request, headers: requestHeaders }: PageKey, signal: AbortSignal): Promise<Page> {
    const { origin, basePath } = this.target(account, def);
    const secrets = secretsOf(account.credentials);
    const ctx = contextOf(account, def);
    let used: Record<string, string> | undefined; // the auth headers of the last attempt: only that token is dropped
    let creds = account.credentials;
    let callSecrets: string[] = secrets;
    const send = async () => {
      this.spend(def);
      const auth = await def.auth.headers(creds, ctx, this.authIo(def, secrets));
      used = auth;
      const derived = secretsOfHeaders(auth);
      if (derived.length) {
        const known = this.derived.get(account.id) ?? new Set<string>();
        for (const s of derived) known.add(s);
        this.derived.set(account.id, known);
      }
      callSecrets = [...secrets, ...derived];
      const opts: CallOptions = {
        provider: def.slug,
        accountId: account.id,
        tenant: account.tenant,
        origin,
        request,
        headers: { ...requestHeaders, ...auth },
        secrets: callSecrets,
        rateLimit: def.rateLimit,
        errors: def.errors,
        idempotent: spec.idempotent,
        debug: this.debug,
        signal,
        limiter: this.engine.rateLimits.for(account, def.slug, def.rateLimit),
      };
      return def.transport === 'LDAP' ? this.engine.client.observe(opts, () => this.engine.ldap.call(opts)) : this.engine.client.call(opts);
    };
    let res;
    try {
      res = await send();
    } catch (e) {
      // A cached token the upstream no longer accepts (revoked, rotated, expired early): drop it, fetch one fresh, retry once.
      // An OAuth account's token is refreshed instead (at most once per call: a second refusal is the answer).
      if (!(e instanceof GatewayError && e.code === 'UPSTREAM_UNAUTHORIZED' && used)) throw e;
      const renewed = def.auth.invalidate?.(creds, ctx, used) ? creds : await this.engine.options.renewCredentials?.(account, creds);
      if (!renewed) throw e;
      creds = renewed;
      res = await send();
    }
    let records: unknown[] | undefined;
    try {
      const read = spec.records(res.body);
      records = Array.isArray(read) ? read : undefined;
    } catch {
      records = undefined;
    }
    if (!records)
      throw withCall(new GatewayError('UPSTREAM_BAD_RESPONSE', `${def.slug} answered ${res.status} without the expected list of records. The upstream API may have changed; check the account's base URL.`, { provider: def.slug, upstreamStatus: res.status }), res.call);
    let next: UpstreamRequest | null = null;
    let refusedNext: Page['refusedNext'];
    try {
      next = spec.paginator ? spec.paginator.next(request, { headers: res.headers, body: res.body, records }, origin + basePath) : null;
    } catch (e) {
      // A link the gateway does not follow ends the list there, keeping this page's records (reported by list.ts).
      if (e instanceof NextLinkRefused) refusedNext = { link: redactSecrets(e.link, callSecrets).slice(0, 300), reason: e.reason };
      else throw withCall(e instanceof GatewayError ? new GatewayError(e.code, `${def.slug}: ${e.message}`, { ...e.extensions, provider: def.slug, upstreamStatus: res.status }) : e as Error, res.call);
    }
    // An upstream echoing the account's secrets into its records (a token in profile.title): redacted before
    // anything maps them, so neither mapped fields nor remoteData carry them. Paging (above) saw the raw body.
    if (res.echoesSecret) records = redactDeep(records, callSecrets) as unknown[];
    // Pages whose records are mapped get the provider's async preparation here, once (pages are cached).
    if (spec.prepare) await spec.prepare(records as unknown[]).catch((e: Error) => Promise.reject(withCall(e, res.call)));
    res.call.resultCount = records.length;
    res.call.isEmptyResult = records.length === 0;
    res.call.nextCursor = next ? redactSecrets(describeNext(next, spec.paginator!.reservedParams), callSecrets) : null;
    return { records: records as unknown[], next, call: res.call, bytes: res.bytes, ...(refusedNext ? { refusedNext } : {}) };
  }

  async loadPage(account: Account, def: ProviderDefinition, spec: PageSpec, request: UpstreamRequest, headers: Record<string, string>, resume = false, keep = true): Promise<Page> {
    const cache = this.engine.pageCache;
    // Keyed by the query as a set of pairs: a request resumed from a cursor may order them differently.
    const key = cache && spec.kind.startsWith('list:') ? `${account.tenant}|${account.id}|${spec.kind}|${stableStringify({ ...request, query: [...request.query].sort() })}|${stableStringify(headers)}` : null;
    const kept = resume && key ? cache!.get(key) : undefined;
    if (kept) return { ...kept, call: { ...kept.call, durationMs: 0, retries: 0, fromCache: true, skippedRecords: [...kept.call.skippedRecords] } };
    const page = await this.pages.load({ account, def, spec, request, headers });
    if (key && keep && page.records.length > 1) cache!.set(key, page);
    return page;
  }

  /** A template rendered for this account: the request under the base path, and its headers. */
  render(account: Account, def: ProviderDefinition, tpl: RequestTemplate, vars: RequestVars): { request: UpstreamRequest; headers: Record<string, string>; rendered: RenderedRequest } {
    const { basePath } = this.target(account, def);
    const rendered = tpl.render(vars);
    const request: UpstreamRequest = { method: tpl.method, path: underBase(basePath, safePath(rendered.path)), query: rendered.query, ...(rendered.body !== undefined ? { body: rendered.body } : {}) };
    return { request, headers: { ...def.headers(vars), ...rendered.headers }, rendered };
  }

  /** One Relay page of users; `calls` collects the upstream calls as they happen (kept when the page fails). */
  list(account: Account, def: ProviderDefinition, args: ListArgs, calls: UpstreamCall[] = []): Promise<ListResult> {
    return list(this, account, def, args, calls);
  }

  /** Users by remote id, for node/nodes: the bulk endpoint, else one call per id, else a bounded scan. */
  byIds(account: Account, def: ProviderDefinition, ids: readonly string[], category: Category = def.category): Promise<(UserRecord | null)[]> {
    return byIds(this, account, def, ids, category);
  }
}

/** A request that stopped waiting for a shared page: its own reason, as the upstream client words it. */
function left(provider: string, reason: unknown): GatewayError {
  if (reason instanceof GatewayError) {
    const { code: _code, ...ext } = reason.extensions as Record<string, unknown>;
    return new GatewayError(reason.code, `${provider}: ${reason.message}`, { ...ext, provider });
  }
  return new GatewayError('UPSTREAM_UNAVAILABLE', `The call to ${provider} was stopped because the request ended. Retry the request.`, { provider });
}

export function daysAgo(n: number, now = Date.now()): string {
  return new Date(now - n * 86_400_000).toISOString().slice(0, 10);
}

/** A short, secret-free description of the next page for debug output. */
function describeNext(next: UpstreamRequest, reserved: string[]): string {
  const q = next.query.filter(([k]) => reserved.includes(k));
  if (q.length) return q.map(([k, v]) => `${k}=${v}`).join('&');
  if (next.body) return JSON.stringify(next.body);
  return next.path;
}
