// The OAuth connect flow (src/oauth/connect.ts) and key rotation, as admin mutations.
import type { ConnectLink } from '../../oauth/connect.js';
import { guarded, objectArg } from '../input.js';
import { builder } from './builder.js';

const ConnectLinkRef = builder.objectRef<ConnectLink>('ConnectLink').implement({
  description: 'Send the end user\'s browser to `url`: it goes on to the provider\'s consent screen, and comes back through `redirectUri` to the gateway, which stores the account and redirects to `oauth.successUrl?integratedAccountId=…`.',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'On this gateway: {publicUrl}/oauth/connect?state=… (single use once the provider calls back).' }),
    redirectUri: t.exposeString('redirectUri', { description: 'The redirect URI to register with the provider\'s OAuth app: {publicUrl}/oauth/callback.' }),
    expiresAt: t.field({ type: 'DateTime', resolve: (x) => x.expiresAt }),
  }),
});

const RotateKeysRef = builder.objectRef<{ rotated: number; keyId: string }>('KeyRotation').implement({
  fields: (t) => ({
    keyId: t.exposeString('keyId', { description: 'The current key (the first of ROLLCALL_ENCRYPTION_KEY), which now encrypts every account.' }),
    rotated: t.exposeInt('rotated', { description: 'Accounts re-encrypted (those already under the current key are left alone).' }),
  }),
});

builder.mutationFields((t) => ({
  createConnectLink: t.field({
    type: ConnectLinkRef,
    description: 'A link for the tenant\'s user to connect an account of `provider` through OAuth (providers with an OAuth flow and an `oauthApps.<slug>` in the config). `context` is what the provider needs before the consent screen (Zendesk: subdomain; Jira: optionally siteUrl).',
    args: { tenantId: t.arg.id({ required: true }), provider: t.arg.string({ required: true }), context: t.arg({ type: 'JSON' }), displayName: t.arg.string() },
    resolve: (_r, a, ctx) =>
      guarded(() => ctx.oauth.createLink({ tenantId: String(a.tenantId), provider: a.provider, context: objectArg('context', a.context), displayName: a.displayName }, ctx.admin.actor, ctx.origin)),
  }),
  rotateKeys: t.field({
    type: RotateKeysRef,
    description: 'Re-encrypts every integrated account\'s credentials under the current key (as `npm run rotate-keys` does); audited as keys.rotate. Afterwards the old keys can be removed from ROLLCALL_ENCRYPTION_KEY.',
    resolve: (_r, _a, ctx) => guarded(() => ctx.store.rotateKeys(ctx.admin.actor)),
  }),
}));
