// The users connection: Relay edges over the User interface, plus the optional upstream call log.
import { builder } from './builder.js';
import { UserInterface } from './users.js';
import type { UpstreamCall } from '../providers/engine/http.js';
import type { RateLimitState } from '../providers/engine/rate-limit.js';

export const HeaderType = builder.objectRef<{ name: string; value: string }>('Header').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

export const UpstreamCallType = builder.objectRef<UpstreamCall>('UpstreamCall').implement({
  description: 'One upstream call made to answer this connection: an HTTP request, or an LDAP SEARCH (url: an RFC 4516 LDAP URL with the base DN and filter). Secrets are redacted.',
  fields: (t) => ({
    method: t.exposeString('method'),
    url: t.exposeString('url'),
    status: t.int({ nullable: true, description: 'The HTTP status, or for LDAP the result code (0: success).', resolve: (c) => c.status }),
    durationMs: t.exposeFloat('durationMs'),
    retries: t.exposeInt('retries'),
    responseHeaders: t.field({ type: [HeaderType], resolve: (c) => c.responseHeaders }),
    nextCursor: t.string({ nullable: true, description: 'The upstream position of the next page, if any.', resolve: (c) => c.nextCursor }),
    isLooping: t.exposeBoolean('isLooping', { description: 'The next page this call pointed to is one the walk had already read, in this request or an earlier one; paging stopped (warning UPSTREAM_LOOPING).' }),
    isEmptyResult: t.exposeBoolean('isEmptyResult'),
    resultCount: t.int({ nullable: true, resolve: (c) => c.resultCount }),
    fromCache: t.exposeBoolean('fromCache', { description: 'Served from the page cache: the walk resumed inside a page the gateway read moments ago, so no upstream call was made.' }),
    skippedRecords: t.field({ type: ['Int'], description: 'Positions in this page of records left out for want of a usable id (see warning UPSTREAM_RECORD_SKIPPED).', resolve: (c) => c.skippedRecords }),
    refusedNextLink: t.string({ nullable: true, description: 'A next link the gateway refused to follow, redacted; paging stopped there (warning UPSTREAM_NEXT_LINK_REFUSED).', resolve: (c) => c.refusedNextLink }),
  }),
});

export const RateLimitType = builder.objectRef<RateLimitState>('UpstreamRateLimit').implement({
  description: "The account's upstream request budget after this page: what the provider's headers said, and how long the gateway held this page's calls back to keep the account under its limit.",
  fields: (t) => ({
    remaining: t.int({ nullable: true, description: 'Requests left in the upstream window (the provider\'s remaining header); null when it sends none.', resolve: (r) => r.remaining }),
    resetAt: t.field({ type: 'DateTime', nullable: true, description: 'When the upstream window resets (its reset header); null when it sends none.', resolve: (r) => r.resetAt }),
    waitedMs: t.float({ description: "Milliseconds this page's upstream calls waited for their turn in the account's request bucket.", resolve: (r) => r.waitedMs }),
  }),
});

/** The budget after the last call that reported one, with the waits of every call. */
function rateLimitOf(calls: UpstreamCall[] | undefined): RateLimitState | null {
  const seen = (calls ?? []).filter((c) => c.rateLimit);
  if (!seen.length) return null;
  const last = seen.at(-1)!.rateLimit!;
  return { remaining: last.remaining, resetAt: last.resetAt, waitedMs: seen.reduce((n, c) => n + c.rateLimit!.waitedMs, 0) };
}

export const UserConnection = builder.connectionObject(
  {
    type: UserInterface,
    name: 'UserConnection',
    fields: (t) => ({
      debug: t.field({
        type: [UpstreamCallType],
        nullable: true,
        description: 'Upstream calls behind this page; recorded only when selected.',
        resolve: (c: any) => c.debug ?? [],
      }),
      rateLimit: t.field({
        type: RateLimitType,
        nullable: true,
        description: "The account's upstream request budget after this page, where the provider reports it or the gateway paces the account; null otherwise.",
        resolve: (c: any) => rateLimitOf(c.debug),
      }),
    }),
  },
  {
    name: 'UserEdge',
    // Replaces the plugin's `node` resolver with a plain property read: graphql-jit inlines it, once per edge.
    fields: (t) => ({ node: t.expose('node', { type: UserInterface, nullable: false } as any) }),
  },
);
