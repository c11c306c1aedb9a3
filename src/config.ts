// Gateway configuration: a JSON or YAML file, `${VAR}` expanded from the environment, validated with zod.
// A bad file stops the start with a message naming the bad field.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isPrivateLiteralHost } from './providers/engine/guard.js';
import { CustomProviderError, registryWithCustomProviders } from './providers/custom.js';
import { BUILT_IN_PROVIDERS, type ProviderRegistry } from './providers/registry.js';

// Numbers and booleans may come from `${VAR}` (always a string): accept their string forms.
const int = (min: number, def: number) => z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number().int().min(min).default(def));
const bool = (def: boolean) => z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean().default(def));

const id = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'use letters, digits, ".", "_" or "-" (at most 128)');

/** Fewest different characters a tenant API token must have: rules out "aaaa…" and runs of spaces. */
export const MIN_TOKEN_DISTINCT_CHARS = 8;
// Messages never quote a token: it is a secret.
export const apiToken = z
  .string()
  .min(16, 'API tokens must be at least 16 characters')
  .refine((t) => !/\s/.test(t), 'API tokens cannot contain whitespace (a bearer token is one word); generate one with `openssl rand -base64 32`')
  .refine((t) => new Set(t).size >= MIN_TOKEN_DISTINCT_CHARS, `API tokens need at least ${MIN_TOKEN_DISTINCT_CHARS} different characters; generate one with \`openssl rand -base64 32\``);

/** A browser origin (scheme://host[:port]) or "*" for any. */
const corsOrigin = z.string().refine((o) => {
  if (o === '*') return true;
  try {
    const u = new URL(o);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
  } catch {
    return false;
  }
}, 'an origin is scheme://host[:port] with no path or trailing slash (e.g. https://app.example.com), or "*"');

/**
 * The context and credential keys an account of `slug` may set, read from its provider definition
 * (`baseUrl` is always allowed). Every config read of a definition's key lists goes through here.
 */
export function accountKeys(slug: string, providers: ProviderRegistry = BUILT_IN_PROVIDERS): { context: string[]; credentials: string[] } | undefined {
  const def = providers.get(slug);
  if (!def) return undefined;
  return { context: [...new Set(['baseUrl', ...(def.contextKeys ?? []).map((k) => k.key)])], credentials: [...def.auth.credentialKeys] };
}

/** The config schema for a set of providers (built-ins plus the config's custom ones). */
export const configSchema = (providers: ProviderRegistry) => z
  .strictObject({
    allowPrivateUpstreams: bool(false),
    /** YAML/JSON provider spec files, relative to the config file (loaded before the rest is checked). */
    customProviders: z.array(z.string().min(1)).default([]),
    cursorSecret: z.string().min(16, 'must be at least 16 characters'),
    tenants: z.array(z.strictObject({ id, apiTokens: z.array(apiToken).min(1) })).min(1),
    // Tokens of the admin API (/admin/graphql); `id` names the caller in the audit log, the token never does.
    adminTokens: z.array(z.strictObject({ id, token: apiToken })).default([]),
    integratedAccounts: z.array(
      z.strictObject({
        id,
        tenant: z.string(),
        provider: z.string(),
        displayName: z.string().min(1).max(200).optional(),
        context: z.record(z.string(), z.unknown()).default({}),
        credentials: z.record(z.string(), z.string()).default({}),
        /** Overrides the provider's documented request rate for this account (its plan may allow more or less). */
        rateLimit: z.strictObject({ requests: z.number().int().min(1), perSeconds: z.number().positive().max(86_400) }).optional(),
      }),
    ),
    graphiql: bool(false),
    cors: z
      .strictObject({ origins: z.array(corsOrigin).default([]), maxAge: int(0, 600) })
      .default({ origins: [], maxAge: 600 }),
    apq: z
      .strictObject({ enabled: bool(true), maxEntries: int(1, 1000), maxBytes: int(1024, 8 * 1024 * 1024) })
      .default({ enabled: true, maxEntries: 1000, maxBytes: 8 * 1024 * 1024 }),
    limits: z
      .strictObject({
        maxScan: int(1, 1000),
        maxJoinPages: int(1, 20),
        maxPages: int(1, 50),
        joinCacheSeconds: int(0, 0),
        requestTimeoutMs: int(100, 30000),
        maxInFlightPerTenant: int(1, 32),
        shutdownGraceMs: int(0, 10000),
        maxUpstreamCallsPerRequest: int(1, 200),
        maxStreamFirst: int(1, 100000),
        streamTimeoutMs: int(1000, 600000),
        rateLimitWaitMs: int(0, 10000),
      })
      .default({ maxScan: 1000, maxJoinPages: 20, maxPages: 50, joinCacheSeconds: 0, requestTimeoutMs: 30000, maxInFlightPerTenant: 32, shutdownGraceMs: 10000, maxUpstreamCallsPerRequest: 200, maxStreamFirst: 100000, streamTimeoutMs: 600000, rateLimitWaitMs: 10000 }),
    cache: z.strictObject({ pageTtlSeconds: int(0, 0), maxPages: int(1, 1000) }).default({ pageTtlSeconds: 0, maxPages: 1000 }),
    http: z
      .strictObject({
        connectTimeoutMs: int(1, 5000),
        headersTimeoutMs: int(1, 10000),
        bodyTimeoutMs: int(1, 10000),
        timeoutMs: int(1, 10000),
        queueTimeoutMs: int(1, 1000),
        maxRetries: int(0, 3),
        retryBaseDelayMs: int(0, 200),
        retryMaxDelayMs: int(0, 3000),
        retryMaxTotalMs: int(0, 8000),
        connectionsPerOrigin: int(1, 32),
        connectionsPerTenant: int(1, 8),
      })
      .default({ connectTimeoutMs: 5000, headersTimeoutMs: 10000, bodyTimeoutMs: 10000, timeoutMs: 10000, queueTimeoutMs: 1000, maxRetries: 3, retryBaseDelayMs: 200, retryMaxDelayMs: 3000, retryMaxTotalMs: 8000, connectionsPerOrigin: 32, connectionsPerTenant: 8 }),
    // The gateway's own HTTP server (clients → gateway): slow or idle clients cannot hold sockets for long.
    server: z
      .strictObject({ headersTimeoutMs: int(100, 10000), requestTimeoutMs: int(100, 60000), keepAliveTimeoutMs: int(100, 5000), maxConnections: int(1, 1024) })
      .default({ headersTimeoutMs: 10000, requestTimeoutMs: 60000, keepAliveTimeoutMs: 5000, maxConnections: 1024 }),
  })
  .superRefine((cfg, ctx) => {
    const tenants = new Set(cfg.tenants.map((t) => t.id));
    // A token selects a tenant, so one token in two places would silently pick one of them.
    const tokenAt = new Map<string, string>();
    cfg.tenants.forEach((t, i) =>
      t.apiTokens.forEach((tok, j) => {
        const first = tokenAt.get(tok);
        if (first) ctx.addIssue({ code: 'custom', path: ['tenants', i, 'apiTokens', j], message: `this token is already listed at ${first}; every API token must be unique across all tenants` });
        else tokenAt.set(tok, `tenants["${t.id}"].apiTokens[${j}]`);
      }),
    );
    const adminIds = new Set<string>();
    cfg.adminTokens.forEach((a, i) => {
      if (adminIds.has(a.id)) ctx.addIssue({ code: 'custom', path: ['adminTokens', i, 'id'], message: `duplicate admin token id "${a.id}"` });
      adminIds.add(a.id);
      const first = tokenAt.get(a.token);
      // An admin token that is also a tenant token would let a tenant caller administer every tenant.
      if (first) ctx.addIssue({ code: 'custom', path: ['adminTokens', i, 'token'], message: `this token is already listed at ${first}; an admin token must differ from every other token` });
      else tokenAt.set(a.token, `adminTokens["${a.id}"]`);
    });
    const seen = new Set<string>();
    cfg.integratedAccounts.forEach((a, i) => {
      const at = (field: string) => ['integratedAccounts', i, field];
      if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate account id "${a.id}"` });
      seen.add(a.id);
      if (!tenants.has(a.tenant)) ctx.addIssue({ code: 'custom', path: at('tenant'), message: `unknown tenant "${a.tenant}"` });
      const def = providers.get(a.provider);
      if (!def) {
        ctx.addIssue({ code: 'custom', path: at('provider'), message: `unknown provider "${a.provider}"; known: ${providers.slugs().join(', ')}` });
        return;
      }
      const keys = accountKeys(a.provider, providers)!;
      for (const [field, allowed] of [['context', keys.context], ['credentials', keys.credentials]] as const)
        for (const k of Object.keys(a[field]))
          if (!allowed.includes(k)) ctx.addIssue({ code: 'custom', path: [...at(field), k], message: `unknown key for ${def.slug}; it accepts ${field}.${allowed.join(`, ${field}.`)}` });
      if (!def.auth.applies(a.credentials))
        ctx.addIssue({ code: 'custom', path: at('credentials'), message: `${def.slug} needs ${def.auth.description}` });
      if (a.context.baseUrl !== undefined) {
        try {
          const u = new URL(String(a.context.baseUrl));
          if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
        } catch {
          ctx.addIssue({ code: 'custom', path: [...at('context'), 'baseUrl'], message: `not an http(s) URL: "${a.context.baseUrl}"` });
        }
      } else if (!def.baseUrl(a.context as never)) {
        const needed = def.contextKeys.filter((k) => k.required).map((k) => `context.${k.key} (${k.description})`).join(', ');
        ctx.addIssue({ code: 'custom', path: at('context'), message: `${def.slug} needs ${needed || 'context.baseUrl'}` });
      }
      for (const k of def.contextKeys) {
        const v = a.context[k.key];
        if (k.key === 'baseUrl') continue;
        if (v === undefined || v === '') {
          if (k.required === true) ctx.addIssue({ code: 'custom', path: [...at('context'), k.key], message: `${def.slug} needs context.${k.key} (${k.description})` });
        } else if (k.pattern && !(typeof v === 'string' && new RegExp(k.pattern).test(v))) {
          ctx.addIssue({ code: 'custom', path: [...at('context'), k.key], message: `must match /${k.pattern}/ (${k.description}); got "${String(v).slice(0, 60)}"` });
        }
      }
    });
  });

/** The upstream URLs an account's context names: each `…Url` key, and the base URL derived from the rest. */
function upstreamUrls(context: Record<string, unknown>, derived: () => string | undefined): [string, URL][] {
  const out: [string, URL][] = [];
  const add = (key: string, v: unknown) => {
    try {
      out.push([key, new URL(String(v))]);
    } catch { /* reported elsewhere */ }
  };
  for (const [k, v] of Object.entries(context)) if (/Url$/.test(k) && typeof v === 'string') add(k, v);
  if (context.baseUrl === undefined) {
    let base: string | undefined;
    try {
      base = derived();
    } catch { /* a provider that cannot derive one is reported above */ }
    if (base) add('baseUrl', base);
  }
  return out;
}

export const ConfigSchema = configSchema(BUILT_IN_PROVIDERS);
/** A validated config, with the provider registry it was validated against (built-ins + customProviders). */
export type GatewayConfig = z.infer<typeof ConfigSchema> & { providers: ProviderRegistry };
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** `integratedAccounts["okta-main"].context` rather than `integratedAccounts.3.context`: entries are named by their id. */
function formatPath(path: readonly PropertyKey[], root: unknown): string {
  let out = '';
  let node: any = root;
  for (const key of path) {
    const id = typeof key === 'number' && Array.isArray(node) ? node[key]?.id : undefined;
    if (typeof id === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(id)) out += `["${id}"]`;
    else out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
    node = node?.[key as never];
  }
  return out || '(root)';
}

/** Replaces `${VAR}` in every string with the environment's value; a missing variable is an error. */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[] = [], root: unknown = value): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`config ${formatPath(path, root)}: environment variable ${name} is not set`);
      return v;
    });
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, [...path, i], root));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k], root)]));
  return value;
}

/**
 * Things that start but are probably not what was meant: `$VAR` without braces is used literally, and
 * an upstream on a private literal address is refused per request.
 * Messages name the field only, never the value (it may be a secret).
 */
export function configWarnings(raw: unknown, config: GatewayConfig): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: PropertyKey[]) => {
    if (typeof v === 'string') {
      const m = /\$(?!\{)([A-Za-z_][A-Za-z0-9_]*)/.exec(v);
      // Not quoted with its `$`: the literal is the configured value, which the log redactor would hide.
      if (m) out.push(`config ${formatPath(path, raw)}: looks like a shell variable without braces and is used literally; write \${${m[1]}} to read the environment variable ${m[1]}`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(raw, []);
  // Each request to a private literal host would be refused (PRIVATE_UPSTREAM_REFUSED): say so at start.
  if (!config.allowPrivateUpstreams)
    config.integratedAccounts.forEach((a, i) => {
      const def = config.providers.get(a.provider)!;
      for (const [key, url] of upstreamUrls(a.context, () => def.baseUrl(a.context as never)))
        if (isPrivateLiteralHost(url.hostname))
          out.push(`config ${formatPath(['integratedAccounts', i, 'context', key], config)}: ${url.hostname} is a loopback or private address; every request to this account will be refused with PRIVATE_UPSTREAM_REFUSED while allowPrivateUpstreams is false (set "allowPrivateUpstreams": true if this is intended)`);
    });
  return out;
}

export interface LoadedConfig { config: GatewayConfig; warnings: string[] }

/** The registry a config declares: built-ins plus its customProviders files (relative to `baseDir`). */
function providersOf(expanded: unknown, baseDir: string): ProviderRegistry {
  const files = z.array(z.string().min(1)).safeParse((expanded as any)?.customProviders);
  // A malformed list is reported with the rest of the config; the built-ins validate the accounts meanwhile.
  if (!files.success || !files.data.length) return BUILT_IN_PROVIDERS;
  try {
    return registryWithCustomProviders(files.data, baseDir);
  } catch (e) {
    if (e instanceof CustomProviderError) throw new ConfigError(`invalid custom provider:\n${e.lines.map((l) => `  - ${l}`).join('\n')}`);
    throw e;
  }
}

/** `baseDir`: where `customProviders` paths are resolved from (the config file's folder; default the working directory). */
export function checkConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, baseDir = process.cwd()): LoadedConfig {
  const expanded = expandEnv(raw, env);
  const providers = providersOf(expanded, baseDir);
  const result = configSchema(providers).safeParse(expanded);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${formatPath(i.path, expanded)}: ${i.message}`);
    throw new ConfigError(`invalid gateway config:\n${lines.join('\n')}`);
  }
  const config: GatewayConfig = { ...result.data, providers };
  return { config, warnings: configWarnings(raw, config) };
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, baseDir = process.cwd()): GatewayConfig {
  return checkConfig(raw, env, baseDir).config;
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: any) {
    throw new ConfigError(`cannot read config file ${path}: ${e.code ?? e.message}`);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e: any) {
    throw new ConfigError(`config file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${e.message}`);
  }
  return checkConfig(raw, env, dirname(path));
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(path, env).config;
}
