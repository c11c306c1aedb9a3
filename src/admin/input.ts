// Admin input checks before the store's own (src/accounts/validate.ts): JSON arguments are objects, and
// an account's context and credential keys are the ones its provider declares — the same rules the
// config file applies, so a key mistyped here (`baseURL`) is refused instead of silently ignored.
import { GraphQLError } from 'graphql';
import { accountKeys } from '../config.js';
import { StoreError } from '../accounts/errors.js';
import { storeFailure } from '../accounts/usable.js';
import { checkProvider } from '../accounts/validate.js';
import type { ProviderRegistry } from '../providers/registry.js';

export function objectArg(field: string, v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new StoreError('INVALID_INPUT', `${field} must be a JSON object of keys to values.`, { field });
  return v as Record<string, unknown>;
}

export function checkDeclaredKeys(providers: ProviderRegistry, provider: string, context: Record<string, unknown> | undefined, credentials: Record<string, unknown> | undefined): void {
  const def = checkProvider(providers, provider);
  const keys = accountKeys(provider, providers)!;
  for (const [field, given, allowed] of [['context', context, keys.context], ['credentials', credentials, keys.credentials]] as const) {
    if (!given) continue;
    const unknown = Object.keys(given).find((k) => !allowed.includes(k));
    // Key names only: a credential value is never quoted.
    if (unknown !== undefined)
      throw new StoreError('INVALID_INPUT', `${field}.${unknown.slice(0, 60)} is not a key ${def.slug} accepts; it accepts ${field}.${allowed.join(`, ${field}.`)}.`, { field: `${field}.${unknown.slice(0, 60)}` });
  }
  if (!context) return;
  for (const k of def.contextKeys) {
    const v = context[k.key];
    if (k.key === 'baseUrl') continue;
    if (v === undefined || v === '') {
      if (k.required === true) throw new StoreError('INVALID_INPUT', `${def.slug} needs context.${k.key} (${k.description}).`, { field: `context.${k.key}` });
    } else if (k.pattern && !(typeof v === 'string' && new RegExp(k.pattern).test(v))) {
      throw new StoreError('INVALID_INPUT', `context.${k.key} must match /${k.pattern}/ (${k.description}); got "${String(v).slice(0, 60)}".`, { field: `context.${k.key}` });
    }
  }
}

/** Runs a resolver: coded errors pass unchanged, a database that fails is STORE_UNAVAILABLE (never masked). */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof GraphQLError ? e : storeFailure(e);
  }
}
