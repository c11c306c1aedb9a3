// Test helper: an independently written SCIM 2.0 service provider (scimmy + scimmy-routers on express),
// so the SCIM adapter is proven against someone else's reading of RFC 7644, not only our own sandbox.
// It listens on 127.0.0.1 port 0 under /scim/v2 with bearer auth, holds the sandbox's users (scimmy
// re-serialises them through its own User and EnterpriseUser schemas), filters with scimmy's own filter
// engine, pages with its ListResponse, and caps `count` server-side so clients must page by what came back.
// Dev-only (scimmy is a devDependency): never import it from gateway code.
import type { AddressInfo } from 'node:net';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import type { ScimUser } from './map.js';
import { scimDataset, SCIM_BASE_PATH } from './sandbox.js';

export const SCIMMY_TOKEN = 'scimmy-independent-server-token-3a9d';

export interface ScimmyServer {
  /** The SCIM base URL (`http://127.0.0.1:PORT/scim/v2`): what an account's `context.baseUrl` holds. */
  baseUrl: string;
  users: ScimUser[];
  /** Requests received (path and query), in order. */
  requests: { path: string; query: URLSearchParams }[];
  close(): Promise<void>;
}

interface Ctx { users: ScimUser[]; maxCount: number }

// SCIMMY's resource registry is process-wide: declare once, and let each server's users come in through
// the per-request context (several servers may run in one test process).
let declared = false;
function declareOnce(): void {
  if (declared) return;
  declared = true;
  SCIMMY.Resources.declare(SCIMMY.Resources.User).extend(SCIMMY.Schemas.EnterpriseUser, false);
  SCIMMY.Resources.User.egress((resource: any, ctx: Ctx) => {
    if (resource.id) {
      const found = ctx.users.find((u) => u.id === resource.id);
      if (!found) throw new SCIMMY.Types.Error(404, null as any, `Resource ${resource.id} not found`);
      return found;
    }
    // The server's own page-size cap: ListResponse slices by constraints.count after egress returns.
    resource.constraints = { ...resource.constraints, count: Math.min(resource.constraints?.count ?? 20, ctx.maxCount) };
    return resource.filter ? resource.filter.match(ctx.users) : ctx.users;
  });
}

export async function startScimmyServer(opts: { users?: ScimUser[]; maxCount?: number; token?: string } = {}): Promise<ScimmyServer> {
  declareOnce();
  const users = opts.users ?? scimDataset();
  const token = opts.token ?? SCIMMY_TOKEN;
  const ctx: Ctx = { users, maxCount: opts.maxCount ?? 45 };
  const requests: ScimmyServer['requests'] = [];
  const app = express();
  app.use((req, _res, next) => {
    const url = new URL(req.originalUrl, 'http://scimmy.invalid');
    requests.push({ path: url.pathname, query: url.searchParams });
    next();
  });
  app.use(
    SCIM_BASE_PATH,
    new SCIMMYRouters({
      type: 'bearer',
      docUri: 'https://www.rfc-editor.org/rfc/rfc7644',
      handler: (req) => {
        if (req.header('authorization') !== `Bearer ${token}`) throw new Error('Authorization failure: bearer token missing or invalid');
        return 'scimmy-test-client';
      },
      context: () => ctx,
    }) as unknown as express.Router,
  );
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${SCIM_BASE_PATH}`,
    users,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
