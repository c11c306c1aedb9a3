// The engine's second transport: LDAP v3 searches (RFC 4511 §4.5) through ldapts, behind the same call shape as
// the HTTP client (an UpstreamRequest in, a body of records and a call record out), so paging, filter planning,
// cursors, DataLoaders, error codes and debug records work unchanged for an LDAP provider.
//
// A request's query names the search: `base` (the base DN), `filter` (RFC 4515 filters, ANDed), `attr`
// (attributes to return, repeated; operational ones must be named), `scope` (sub by default), `startTls`, and
// the paginator's slots `size`, `skip` and `after` (paginators.ts ldapPaged). The body answered is
// `{ entries, next }`: the entries as ldapts returns them (`dn` plus attributes) and where the next page starts.
//
// Paging (RFC 2696 paged results). A server caps a search at its size limit, so every search is paged. Its
// cookie is valid only on the connection that issued it, so it never leaves this process: after serving a page
// the live search (connection, bound, with its cookie inside ldapts's searchPaginated) is kept in a bounded LRU
// keyed by the search and the position it has reached, for SESSION_TTL_MS. The next page's request (from a
// cursor, in this process) continues that search. When the search is gone — expired, evicted, another process,
// the connection dropped — the transport opens a new one and re-walks to the position: it resumes after the
// entry whose DN digest is `after` (so entries added or removed before the position shift nothing), or, when
// that entry no longer exists, after `skip` entries. Every page reads one page ahead, so `next` is exact: the
// last page never claims a next one. A page served is also kept (same TTL) under its own position: a Relay page
// that ends inside an upstream page (an engine-tested filter reads full pages) asks for it again and gets it
// from memory. At most MAX_SESSIONS searches (each an open connection) are kept; the least recent is closed.
// Sorting (RFC 2891) and VLV are optional server features (OpenLDAP's sssvlv overlay, AD): not relied on.
//
// Sources: RFC 4511 (https://www.rfc-editor.org/rfc/rfc4511) §4.2 bind, §4.5 search, Appendix A result codes;
// RFC 4515 (https://www.rfc-editor.org/rfc/rfc4515) filter strings; RFC 2696
// (https://www.rfc-editor.org/rfc/rfc2696) simple paged results; RFC 4516 LDAP URLs (the debug record's url);
// ldapts (https://github.com/ldapts/ldapts#readme): Client options url/timeout/connectTimeout/tlsOptions,
// bind, startTLS, searchPaginated (an async generator of pages on one connection), unbind.
import net from 'node:net';
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import { Client, type Entry, type SearchResult } from 'ldapts';
import { LRUCache } from 'lru-cache';
import { LDAP_BIND_DN, LDAP_BIND_PASSWORD } from './auth.js';
import { GatewayError, type GatewayErrorExtensions } from './errors.js';
import { guardedLookup, isPrivateLiteralHost } from './guard.js';
import { newCall, stopped, withCall, type CallOptions, type HttpOptions, type UpstreamResponse } from './http.js';
import { LDAP_SLOTS } from './paginators.js';
import { mentionsSecret, redactSecrets } from './redact.js';

/** How long a paged search stays open for its next page after serving one. */
export const SESSION_TTL_MS = 60_000;
const MAX_SESSIONS = 256;
const KNOWN = new Set(['base', 'filter', 'attr', 'binary', 'scope', 'startTls', LDAP_SLOTS.size, LDAP_SLOTS.skip, LDAP_SLOTS.after]);
const SCOPES = new Set(['base', 'one', 'sub', 'children']);
/** Unpaged lookups (bulk nodes) still page, in pages of this size. */
const LOOKUP_PAGE = 100;

interface Search { url: string; base: string; filter: string; attributes: string[]; binary: string[]; scope: 'base' | 'one' | 'sub' | 'children'; startTls: boolean; size: number; bindDn: string; password: string }
interface Session { client: Client; pages: AsyncGenerator<SearchResult>; buffered: Entry[] | null; done: boolean }

/** A short digest of an entry's DN: names a position without showing the directory in a cursor. */
export const dnKey = (dn: string) => createHash('sha256').update(dn.toLowerCase()).digest('base64url').slice(0, 10);

export class LdapTransport {
  private readonly sessions: LRUCache<string, Session>;
  /** Pages served, by the same key: a Relay page that ends inside an upstream page asks for that page again. */
  private readonly served: LRUCache<string, { entries: Entry[]; next: { skip: number; after: string } | null }>;
  private readonly timeoutMs: number;
  constructor(private readonly options: Pick<HttpOptions, 'allowPrivateUpstreams' | 'connectTimeoutMs' | 'timeoutMs' | 'retry'>) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // An expired or evicted search closes its connection; one taken out to continue (delete) stays open.
    this.served = new LRUCache({ max: MAX_SESSIONS, ttl: SESSION_TTL_MS });
    this.sessions = new LRUCache({ max: MAX_SESSIONS, ttl: SESSION_TTL_MS, ttlAutopurge: true, dispose: (s, _k, why) => void (why !== 'delete' && s.client.unbind().catch(() => {})) });
  }

  async call(opts: CallOptions): Promise<UpstreamResponse> {
    const started = performance.now();
    const search = this.searchOf(opts);
    const call = newCall('SEARCH', opts.debug ? redactSecrets(ldapUrl(search), opts.secrets) : '');
    const paged = getOne(opts, LDAP_SLOTS.size) !== undefined;
    const skip = Number(getOne(opts, LDAP_SLOTS.skip) ?? 0);
    const after = getOne(opts, LDAP_SLOTS.after);
    if (!Number.isInteger(skip) || skip < 0) throw withCall(badRequest(opts.provider, 'the page position is not a whole number'), call);
    // One deadline for the whole call (connect, bind, every page read for it): http.timeoutMs, as for HTTP.
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.timeoutMs);
    const onOuter = () => ctl.abort();
    opts.signal?.addEventListener('abort', onOuter, { once: true });
    let opened: Client | undefined;
    const guard = <T>(p: Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (ctl.signal.aborted) return reject(new DeadlineError());
        const onAbort = () => reject(new DeadlineError());
        ctl.signal.addEventListener('abort', onAbort, { once: true });
        p.then(resolve, reject).finally(() => ctl.signal.removeEventListener('abort', onAbort));
      });
    try {
      let entries: Entry[] = [];
      let next: { skip: number; after: string } | null = null;
      if (!paged) {
        const s = await guard(this.open(opts.provider, search, (c) => (opened = c)));
        entries = [];
        for (;;) {
          const page = await guard(s.pages.next());
          if (page.done) break;
          entries.push(...page.value.searchEntries);
        }
        void s.client.unbind().catch(() => {});
        opened = undefined;
      } else {
        const key = sessionKey(opts, search, skip, after);
        const again = this.served.get(key);
        const kept = again ? undefined : this.sessions.get(key);
        if (kept) { this.sessions.delete(key); opened = kept.client; }
        // The kept search goes on where it stopped; if its connection has dropped meanwhile, walk again.
        const resumed = kept && (await guard(kept.pages.next()).then(
          (ahead) => ({ session: kept, page: kept.buffered ?? [], at: skip, ahead }),
          (e) => { if (e instanceof DeadlineError) throw e; void kept.client.unbind().catch(() => {}); return undefined; },
        ));
        let r = resumed;
        if (again) {
          entries = again.entries;
          next = again.next;
        } else if (!r) {
          const found = await guard(this.seek(opts.provider, search, skip, after, (c) => (opened = c)));
          // Read one page ahead: the page after this one says whether there is a next one.
          const ahead = found.session.done ? ({ done: true, value: undefined } as const) : await guard(found.session.pages.next());
          r = { ...found, ahead };
        }
        if (r) {
          opened = r.session.client;
          entries = r.page;
          if (!r.ahead.done && entries.length) {
            next = { skip: r.at + entries.length, after: dnKey(entries.at(-1)!.dn) };
            this.sessions.set(sessionKey(opts, search, next.skip, next.after), { client: r.session.client, pages: r.session.pages, buffered: r.ahead.value.searchEntries, done: false });
          } else void r.session.client.unbind().catch(() => {});
          this.served.set(key, { entries, next });
          opened = undefined;
        }
      }
      call.status = 0; // LDAP resultCode success (RFC 4511 §4.1.9)
      call.durationMs = Math.round((performance.now() - started) * 100) / 100;
      const body = { entries: entries.map(plain), next };
      const text = JSON.stringify(body.entries);
      return { status: 0, headers: {}, body, call, bytes: text.length, echoesSecret: mentionsSecret(text, opts.secrets) };
    } catch (e) {
      if (opened) void opened.unbind().catch(() => {});
      call.durationMs = Math.round((performance.now() - started) * 100) / 100;
      if (e instanceof GatewayError) throw withCall(e, call);
      if (opts.signal?.aborted) throw withCall(stopped(opts.provider, opts.signal.reason), call);
      if (e instanceof DeadlineError)
        throw withCall(new GatewayError('UPSTREAM_UNAVAILABLE', `${opts.provider} did not answer within the ${this.timeoutMs} ms deadline for connect, bind and search together (http.timeoutMs). Retry later; raise http.timeoutMs if this directory is known to be slow.`, { provider: opts.provider }), call);
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'number') call.status = code;
      throw withCall(ldapError(opts.provider, e, opts.secrets), call);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onOuter);
    }
  }

  /** A bound connection running the paged search from its start. */
  private async open(provider: string, search: Search, onClient: (c: Client) => void): Promise<Session> {
    const u = new URL(search.url);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const guarded = !this.options.allowPrivateUpstreams;
    if (guarded && isPrivateLiteralHost(host)) throw privateRefused(provider, host);
    const client = new Client({
      url: `${u.protocol}//${u.host}`,
      connectTimeout: this.options.connectTimeoutMs,
      timeout: this.timeoutMs,
      // The SSRF guard at DNS time, as for HTTP upstreams (guard.ts).
      ...(guarded
        ? {
            createConnection: ((o: net.NetConnectOpts) => net.connect({ ...o, lookup: guardedLookup } as net.NetConnectOpts)) as typeof net.connect,
            createSecureConnection: ((o: tls.ConnectionOptions) => tls.connect({ ...o, lookup: guardedLookup } as tls.ConnectionOptions)) as typeof tls.connect,
          }
        : {}),
      tlsOptions: { servername: net.isIP(host) ? undefined : host },
    });
    onClient(client);
    if (search.startTls) {
      await client.startTLS({ servername: net.isIP(host) ? undefined : host, ...(guarded ? { lookup: guardedLookup } : {}) } as tls.ConnectionOptions).catch((e: { code?: unknown; message?: string }) => {
        if (typeof e?.code !== 'number') throw e; // a TLS handshake failure: reported as a network error
        throw new GatewayError('UPSTREAM_BAD_REQUEST', `${provider} refused StartTLS (LDAP result ${e.code}: ${String(e.message ?? '').replace(/\s*Code: 0x[0-9a-f]+$/i, '').slice(0, 120)}). Configure TLS on the directory, use ldaps://, or drop context.startTls.`, { provider, ldapResultCode: e.code });
      });
    }
    await client.bind(search.bindDn, search.password);
    const pages = client.searchPaginated(search.base, { scope: search.scope, filter: search.filter, attributes: search.attributes, explicitBufferAttributes: search.binary, paged: { pageSize: search.size } });
    return { client, pages, buffered: null, done: false };
  }

  /** A new search walked to a position: after the entry whose DN digest is `after`, else after `skip` entries. */
  private async seek(provider: string, search: Search, skip: number, after: string | undefined, onClient: (c: Client) => void): Promise<{ session: Session; page: Entry[]; at: number }> {
    for (const byKey of after && skip > 0 ? [true, false] : [false]) {
      const session = await this.open(provider, search, onClient);
      let index = 0;
      for (;;) {
        const r = await session.pages.next();
        if (r.done) {
          if (byKey) break; // the entry is gone: walk again, by count
          session.done = true;
          return { session, page: [], at: index };
        }
        const entries = r.value.searchEntries;
        const from = byKey ? entries.findIndex((e) => dnKey(e.dn) === after) + 1 : skip <= index + entries.length ? skip - index : 0;
        if (from > 0 || (!byKey && skip === index)) {
          const page = entries.slice(from);
          const at = index + from;
          if (page.length) return { session, page, at };
          // The position is this server page's end: the next server page is the answer.
          const more = await session.pages.next();
          if (more.done) { session.done = true; return { session, page: [], at }; }
          return { session, page: more.value.searchEntries, at };
        }
        index += entries.length;
      }
      void session.client.unbind().catch(() => {});
    }
    throw new Error('unreachable');
  }

  private searchOf(opts: CallOptions): Search {
    const q = opts.request.query;
    const unknown = q.find(([k]) => !KNOWN.has(k));
    if (unknown) throw badRequest(opts.provider, `an LDAP search takes no "${unknown[0]}" (remoteQuery may set filter, an RFC 4515 filter ANDed with the rest, and scope)`);
    const base = getOne(opts, 'base');
    if (!base) throw badRequest(opts.provider, 'no base DN (context.baseDn)');
    const filters = q.filter(([k]) => k === 'filter').map(([, v]) => v.trim()).filter(Boolean).map((f) => (f.startsWith('(') ? f : `(${f})`));
    const scope = getOne(opts, 'scope') ?? 'sub';
    if (!SCOPES.has(scope)) throw badRequest(opts.provider, `scope "${scope}" is not one of base, one, sub, children`);
    const bindDn = opts.headers[LDAP_BIND_DN];
    const password = opts.headers[LDAP_BIND_PASSWORD];
    if (!bindDn || !password)
      throw new GatewayError('UPSTREAM_UNAUTHORIZED', `${opts.provider}: the integrated account has no bind DN and password; set credentials.bindDn and credentials.password (anonymous and unauthenticated binds are refused).`, { provider: opts.provider });
    return {
      url: opts.origin,
      base,
      filter: filters.length === 1 ? filters[0]! : `(&${filters.join('')})`,
      attributes: q.filter(([k]) => k === 'attr').map(([, v]) => v),
      binary: q.filter(([k]) => k === 'binary').map(([, v]) => v),
      scope: scope as Search['scope'],
      startTls: getOne(opts, 'startTls') === 'true',
      size: Math.max(1, Math.min(1000, Number(getOne(opts, LDAP_SLOTS.size) ?? LOOKUP_PAGE) || LOOKUP_PAGE)),
      bindDn,
      password,
    };
  }

  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(open.map((s) => s.client.unbind().catch(() => {})));
  }
}

class DeadlineError extends Error {}

const getOne = (opts: CallOptions, name: string) => opts.request.query.find(([k]) => k === name)?.[1];

/** Sessions are per account and per bind: another account's cursor never continues this one's search. */
function sessionKey(opts: CallOptions, s: Search, skip: number, after: string | undefined): string {
  const who = createHash('sha256').update(`${s.bindDn}\0${s.password}`).digest('base64url').slice(0, 16);
  return JSON.stringify([opts.accountId ?? '', who, s.url, s.base, s.filter, s.attributes, s.scope, s.startTls, s.size, skip, after ?? null]);
}

/** An RFC 4516 LDAP URL of the search, for the debug record: scheme, host, base DN, attributes, scope, filter. */
function ldapUrl(s: Search): string {
  const u = new URL(s.url);
  const enc = (v: string) => encodeURIComponent(v).replace(/%2C/gi, ',').replace(/%3D/gi, '=');
  return `${u.protocol}//${u.host}/${enc(s.base)}?${s.attributes.map(enc).join(',')}?${s.scope}?${enc(s.filter)}`;
}

/** An entry as plain JSON: ldapts lists every requested attribute, also absent ones (as []): those are dropped. */
function plain(e: Entry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = Buffer.isBuffer(v) ? v.toString('base64') : Array.isArray(v) ? v.map((x) => (Buffer.isBuffer(x) ? x.toString('base64') : x)) : v;
  }
  return out;
}

function badRequest(provider: string, why: string): GatewayError {
  return new GatewayError('UPSTREAM_BAD_REQUEST', `${provider}: ${why}. Check the account's context and the remoteQuery.`, { provider });
}

function privateRefused(provider: string, host: string): GatewayError {
  return new GatewayError('PRIVATE_UPSTREAM_REFUSED', `${provider}: the directory host ${host} is on a loopback or private network, which this gateway refuses. Set "allowPrivateUpstreams": true in the config if this is intended.`, { provider });
}

/** ldapts errors (RFC 4511 result codes, or a socket error) as gateway errors. */
export function ldapError(provider: string, e: unknown, secrets: readonly string[]): GatewayError {
  const err = e as { code?: unknown; message?: string; cause?: { code?: unknown } };
  const code = err.code;
  const said = redactSecrets(String(err.message ?? '').replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim(), secrets).slice(0, 200);
  const detail = said ? ` (${said})` : '';
  const ext: GatewayErrorExtensions = { provider, ...(typeof code === 'number' ? { ldapResultCode: code } : {}) };
  if (code === 'EPRIVATEUPSTREAM' || err.cause?.code === 'EPRIVATEUPSTREAM') return privateRefused(provider, 'it resolves to');
  if (typeof code !== 'number') {
    const net = String(code ?? err.cause?.code ?? '');
    const reason = net === 'ECONNREFUSED' ? 'connection refused' : net === 'ENOTFOUND' ? 'host not found' : net === 'ECONNRESET' ? 'connection reset' : /timeout/i.test(err.message ?? '') ? 'connect timeout' : net || said || 'network error';
    return new GatewayError('UPSTREAM_UNAVAILABLE', `${provider} could not be reached (${reason}). Retry later, or check the account's context.url.`, ext);
  }
  switch (code) {
    case 49: // invalidCredentials
    case 48: // inappropriateAuthentication
    case 8: // strongerAuthRequired
      return new GatewayError('UPSTREAM_UNAUTHORIZED', `${provider} refused the bind with LDAP result ${code}${detail}. Check credentials.bindDn and credentials.password${code === 8 ? ', or use ldaps:// or context.startTls' : ''}.`, ext);
    case 50: // insufficientAccessRights
      return new GatewayError('UPSTREAM_FORBIDDEN', `${provider} refused the search with LDAP result 50 (insufficientAccessRights)${detail}. Grant the bind DN read access to the users under context.baseDn.`, ext);
    case 32: // noSuchObject
      return new GatewayError('UPSTREAM_NOT_FOUND', `${provider} has no entry at the base DN (LDAP result 32, noSuchObject)${detail}. Check context.baseDn.`, ext);
    case 4: // sizeLimitExceeded, even though the search is paged: a cap on paged totals
      return new GatewayError('UPSTREAM_BAD_REQUEST', `${provider} stopped the paged search at its size limit (LDAP result 4)${detail}. Raise the limit on paged results for the bind DN (OpenLDAP size.prtotal, Active Directory MaxPageSize/MaxResultSetSize).`, ext);
    case 12: // unavailableCriticalExtension
      return new GatewayError('UPSTREAM_BAD_REQUEST', `${provider} does not support the paged-results control (RFC 2696; LDAP result 12)${detail}. The gateway needs it to list every user past the server's size limit.`, ext);
    case 3: // timeLimitExceeded
    case 51: // busy
    case 52: // unavailable
    case 80: // other
      return new GatewayError('UPSTREAM_UNAVAILABLE', `${provider} is unavailable (LDAP result ${code})${detail}. Retry later.`, ext);
    default:
      return new GatewayError('UPSTREAM_BAD_REQUEST', `${provider} rejected the search with LDAP result ${code}${detail}. Check context.baseDn, context.userFilter and the remoteQuery filter.`, ext);
  }
}
