// Tenant API tokens: the plaintext exists only in createApiToken's answer; the store keeps a sha256 hash.
import { guarded } from '../input.js';
import { builder } from './builder.js';
import { ApiTokenRef } from './objects.js';

const CreatedApiToken = builder.objectRef<{ token: import('../../accounts/database-store.js').TokenInfo; plaintext: string }>('CreatedApiToken').implement({
  fields: (t) => ({
    token: t.field({ type: ApiTokenRef, resolve: (x) => x.token }),
    plaintext: t.exposeString('plaintext', { description: 'Send as `Authorization: Bearer <plaintext>` on /graphql. Shown this once: store it now.' }),
  }),
});

builder.queryFields((t) => ({
  apiTokens: t.field({
    type: [ApiTokenRef],
    description: 'The tenant\'s database tokens, revoked ones included; never a plaintext or hash.',
    args: { tenantId: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => guarded(() => ctx.store.listTokens(String(a.tenantId))),
  }),
}));

builder.mutationFields((t) => ({
  createApiToken: t.field({
    type: CreatedApiToken,
    args: { tenantId: t.arg.id({ required: true }), label: t.arg.string({ required: true, description: 'What the token is for (at most 200 characters).' }) },
    resolve: (_r, a, ctx) => guarded(() => ctx.store.createToken(String(a.tenantId), a.label, ctx.admin.actor)),
  }),
  revokeApiToken: t.field({
    type: ApiTokenRef,
    description: 'The token is refused (401) from the next request on.',
    args: { tenantId: t.arg.id({ required: true }), id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => guarded(() => ctx.store.revokeToken(String(a.tenantId), String(a.id), ctx.admin.actor)),
  }),
}));
