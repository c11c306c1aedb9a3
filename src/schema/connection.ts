// The users connection: Relay edges over the User interface, plus the optional upstream call log.
import { builder } from './builder.js';
import { UserInterface } from './users.js';
import type { UpstreamCall } from '../providers/engine/http.js';

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
    isLooping: t.exposeBoolean('isLooping', { description: 'The upstream returned a cursor it had already returned; paging stopped.' }),
    isEmptyResult: t.exposeBoolean('isEmptyResult'),
    resultCount: t.int({ nullable: true, resolve: (c) => c.resultCount }),
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
