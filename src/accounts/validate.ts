// Checks an account before it is stored, as the config file's validation does for file entries: a known
// provider, credentials its auth scheme accepts, and the context it needs to find its API.
import type { Credentials } from '../providers/engine/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { StoreError } from './errors.js';

const ID = /^[A-Za-z0-9._-]{1,128}$/;

export function checkId(kind: 'tenant' | 'account', id: string): void {
  if (!ID.test(id) || id === '.' || id === '..')
    throw new StoreError('INVALID_INPUT', `The ${kind} id "${id.slice(0, 140)}" is not valid: use 1-128 letters, digits, ".", "_" or "-".`, { field: 'id' });
}

export function checkProvider(providers: ProviderRegistry, provider: string) {
  const def = providers.get(provider);
  if (!def) throw new StoreError('INVALID_INPUT', `Unknown provider "${provider.slice(0, 60)}"; known: ${providers.slugs().join(', ')}.`, { field: 'provider' });
  return def;
}

/** A credential is a non-empty string, or a JSON document where the provider issues one (a service-account key). */
const isCredential = (v: unknown) => (typeof v === 'string' && v !== '') || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0);

export function checkCredentials(providers: ProviderRegistry, provider: string, credentials: Record<string, unknown>): Credentials {
  const def = checkProvider(providers, provider);
  for (const [k, v] of Object.entries(credentials))
    if (!isCredential(v)) throw new StoreError('INVALID_INPUT', `credentials.${k.slice(0, 60)} must be a non-empty string (or, for a key document, a JSON object).`, { field: `credentials.${k.slice(0, 60)}` });
  const creds = credentials as Credentials;
  if (!def.auth.applies(creds)) throw new StoreError('INVALID_INPUT', `${def.slug} needs ${def.auth.description}.`, { field: 'credentials' });
  return creds;
}

export function checkContext(providers: ProviderRegistry, provider: string, context: Record<string, unknown>): Record<string, unknown> {
  const def = checkProvider(providers, provider);
  if (!context || typeof context !== 'object' || Array.isArray(context)) throw new StoreError('INVALID_INPUT', 'context must be an object.', { field: 'context' });
  if (context.baseUrl !== undefined) {
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(String(context.baseUrl)).protocol);
    } catch {}
    if (!ok) throw new StoreError('INVALID_INPUT', `context.baseUrl is not an http(s) URL: "${String(context.baseUrl).slice(0, 200)}".`, { field: 'context.baseUrl' });
  } else if (!def.baseUrl(context as never)) {
    const needed = def.contextKeys?.filter((k) => k.required).map((k) => `context.${k.key} (${k.description})`).join(', ');
    throw new StoreError('INVALID_INPUT', `${def.slug} needs ${needed || 'context.baseUrl'}.`, { field: 'context' });
  }
  return context;
}
