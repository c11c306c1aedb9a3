// The users connection: Relay edges over the User interface, plus the optional upstream call log.
import { builder } from './builder.js';
import { UserInterface } from './users.js';
import type { UpstreamCall } from '../providers/engine/http.js';

export const HeaderType = builder.objectRef<{ name: string; value: string }>('Header').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

export const UpstreamCallType = builder.objectRef<UpstreamCall>('UpstreamCall').implement({
  description: 'One upstream HTTP call made to answer this connection. Secrets are redacted.',
  fields: (t) => ({
    method: t.exposeString('method'),
    url: t.exposeString('url'),
    status: t.int({ nullable: true, resolve: (c) => c.status }),
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
    }),
  },
  { name: 'UserEdge' },
);
