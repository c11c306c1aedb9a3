// Gateway configuration: a JSON or YAML file, `${VAR}` expanded from the environment, validated with zod.
// A bad file stops the start with a message naming the bad field.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { providerBySlug, PROVIDERS } from './providers/registry.js';

// Numbers and booleans may come from `${VAR}` (always a string): accept their string forms.
const int = (min: number, def: number) => z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number().int().min(min).default(def));
const bool = (def: boolean) => z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean().default(def));

const id = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'use letters, digits, ".", "_" or "-" (at most 128)');

export const ConfigSchema = z
  .strictObject({
    allowPrivateUpstreams: bool(false),
    cursorSecret: z.string().min(16, 'must be at least 16 characters'),
    tenants: z.array(z.strictObject({ id, apiTokens: z.array(z.string().min(16, 'API tokens must be at least 16 characters')).min(1) })).min(1),
    integratedAccounts: z.array(
      z.strictObject({
        id,
        tenant: z.string(),
        provider: z.string(),
        context: z.record(z.string(), z.unknown()).default({}),
        credentials: z.record(z.string(), z.string()).default({}),
      }),
    ),
    limits: z
      .strictObject({
        maxScan: int(1, 1000),
        maxJoinPages: int(1, 20),
        maxPages: int(1, 50),
        joinCacheSeconds: int(0, 0),
      })
      .default({ maxScan: 1000, maxJoinPages: 20, maxPages: 50, joinCacheSeconds: 0 }),
    http: z
      .strictObject({
        connectTimeoutMs: int(1, 5000),
        headersTimeoutMs: int(1, 10000),
        bodyTimeoutMs: int(1, 10000),
        maxRetries: int(0, 3),
        retryBaseDelayMs: int(0, 200),
        retryMaxDelayMs: int(0, 3000),
        retryMaxTotalMs: int(0, 8000),
      })
      .default({ connectTimeoutMs: 5000, headersTimeoutMs: 10000, bodyTimeoutMs: 10000, maxRetries: 3, retryBaseDelayMs: 200, retryMaxDelayMs: 3000, retryMaxTotalMs: 8000 }),
  })
  .superRefine((cfg, ctx) => {
    const tenants = new Set(cfg.tenants.map((t) => t.id));
    const seen = new Set<string>();
    cfg.integratedAccounts.forEach((a, i) => {
      const at = (field: string) => ['integratedAccounts', i, field];
      if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate account id "${a.id}"` });
      seen.add(a.id);
      if (!tenants.has(a.tenant)) ctx.addIssue({ code: 'custom', path: at('tenant'), message: `unknown tenant "${a.tenant}"` });
      const def = providerBySlug(a.provider);
      if (!def) {
        ctx.addIssue({ code: 'custom', path: at('provider'), message: `unknown provider "${a.provider}"; known: ${PROVIDERS.map((p) => p.slug).join(', ')}` });
        return;
      }
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

export type GatewayConfig = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Replaces `${VAR}` in every string with the environment's value; a missing variable is an error. */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(`config ${path || '(root)'}: environment variable ${name} is not set`);
      return v;
    });
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, path ? `${path}.${k}` : k)]));
  return value;
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = ConfigSchema.safeParse(expandEnv(raw, env));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid gateway config:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
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
  return parseConfig(raw, env);
}
