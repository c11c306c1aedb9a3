// Per-request context of the admin API: who is calling (from the admin token) and what it drives.
import type { CompositeStore } from '../accounts/composite.js';
import { GatewayError } from '../providers/engine/errors.js';
import type { Engine } from '../providers/engine/engine.js';
import type { OAuthFlow } from '../oauth/connect.js';
import type { AdminIdentity } from './tokens.js';

export interface AdminContext {
  admin: AdminIdentity;
  store: CompositeStore;
  engine: Engine;
  oauth: OAuthFlow;
  /** The origin the request came in on: the default public URL of connect links. */
  origin: string;
}

export function adminContextFactory(store: CompositeStore, engine: Engine, oauth: OAuthFlow, verify: (bearer: string) => AdminIdentity | null, configured: boolean) {
  return async ({ request }: { request: Request }): Promise<AdminContext> => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
    const admin = m ? verify(m[1]!) : null;
    if (!admin) {
      // Tenant API tokens are refused here like any unknown token: they never administer anything.
      const hint = configured ? 'Send `Authorization: Bearer <admin token>` (a tenant API token is not one).' : 'No admin token is configured: set ROLLCALL_ADMIN_TOKEN or `adminTokens` in the config file.';
      throw new GatewayError('UNAUTHENTICATED', `Missing or unknown admin token. ${hint}`, {}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="rollcall-admin"' } });
    }
    return { admin, store, engine, oauth, origin: new URL(request.url).origin };
  };
}
