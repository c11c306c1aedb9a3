// Admin tokens: the config file's `adminTokens` and ROLLCALL_ADMIN_TOKEN. Only their sha256 hashes are
// kept, compared in constant time; the id (never the token) names the caller in the audit log.
import { createHash, timingSafeEqual } from 'node:crypto';
import { apiToken, type GatewayConfig } from '../config.js';

export interface AdminToken { id: string; token: string }
export interface AdminIdentity { id: string; actor: string }

/** The id ROLLCALL_ADMIN_TOKEN's caller has in the audit log (`admin:env`). */
export const ENV_ADMIN_ID = 'env';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Every admin token the gateway accepts; a malformed or reused ROLLCALL_ADMIN_TOKEN throws (the start stops). */
export function adminTokensOf(config: Pick<GatewayConfig, 'adminTokens' | 'tenants'>, env: NodeJS.ProcessEnv = process.env): AdminToken[] {
  const out = [...config.adminTokens];
  const raw = env.ROLLCALL_ADMIN_TOKEN;
  if (raw === undefined || raw === '') return out;
  const checked = apiToken.safeParse(raw);
  // The message never quotes the token.
  if (!checked.success) throw new Error(`ROLLCALL_ADMIN_TOKEN: ${checked.error.issues[0]?.message ?? 'not a valid token'}.`);
  if (config.tenants.some((t) => t.apiTokens.includes(raw)) || out.some((a) => a.token === raw))
    throw new Error('ROLLCALL_ADMIN_TOKEN is also listed in the config file; an admin token must differ from every other token.');
  if (out.some((a) => a.id === ENV_ADMIN_ID)) throw new Error(`adminTokens uses the id "${ENV_ADMIN_ID}", which ROLLCALL_ADMIN_TOKEN's caller has; rename that entry.`);
  out.push({ id: ENV_ADMIN_ID, token: raw });
  return out;
}

/** Finds the admin a bearer token names; every candidate is compared, so timing says nothing about which. */
export function adminVerifier(tokens: readonly AdminToken[]): (bearer: string) => AdminIdentity | null {
  const hashes = tokens.map((t) => ({ id: t.id, hash: digest(t.token) }));
  return (bearer) => {
    const h = digest(bearer);
    let found: string | null = null;
    for (const t of hashes) if (timingSafeEqual(t.hash, h)) found ??= t.id;
    return found === null ? null : { id: found, actor: `admin:${found}` };
  };
}
