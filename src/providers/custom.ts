// Custom providers declared by users: YAML or JSON spec files listed in the config (`customProviders`),
// validated as data-only specs (no hooks) and compiled like a built-in adapter. Every problem is reported
// as `<file>: <field path>: <what is wrong>`, all files at once.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ProviderDefinition } from './engine/types.js';
import { BUILT_IN_PROVIDERS, type ProviderRegistry } from './registry.js';
import { compileProvider, ProviderSpecError, validateSpec } from './engine/spec/index.js';

export class CustomProviderError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** How a file is named in messages: as the config wrote it, relative to the config's folder. */
function shown(file: string, baseDir: string): string {
  const rel = relative(baseDir, resolve(baseDir, file));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(baseDir, file);
}

/** Reads, validates and compiles one provider file; throws CustomProviderError with `<file>: …` lines. */
export function loadCustomProvider(file: string, baseDir: string): ProviderDefinition {
  const name = shown(file, baseDir);
  const path = resolve(baseDir, file);
  const yaml = /\.ya?ml$/i.test(path);
  if (!yaml && !/\.json$/i.test(path)) throw new CustomProviderError([`${name}: a provider file is .yaml, .yml or .json`]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: any) {
    throw new CustomProviderError([`${name}: cannot read the provider file (${e.code ?? e.message})`]);
  }
  let data: unknown;
  try {
    data = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e: any) {
    throw new CustomProviderError([`${name}: not valid ${yaml ? 'YAML' : 'JSON'}: ${String(e.message).split('\n')[0]}`]);
  }
  // `fields` (what the capability matrix advertises) defaults to what the map fills.
  if (data && typeof data === 'object' && !Array.isArray(data) && !('fields' in data) && (data as any).map && typeof (data as any).map === 'object')
    data = { ...data, fields: Object.keys((data as any).map).filter((f) => f !== 'remoteId') };
  try {
    validateSpec(data, 'data', name);
    return compileProvider(data as never);
  } catch (e) {
    if (e instanceof ProviderSpecError) throw new CustomProviderError(e.issues.map((i) => `${name}: ${i.path || '(root)'}: ${i.message}`));
    throw e;
  }
}

/**
 * The registry for a config: `base` (the built-ins) plus every listed file. A slug that is already taken,
 * by a built-in or by another file, is refused.
 */
export function registryWithCustomProviders(files: readonly string[], baseDir: string, base: ProviderRegistry = BUILT_IN_PROVIDERS): ProviderRegistry {
  const lines: string[] = [];
  const custom: ProviderDefinition[] = [];
  const from = new Map<string, string>();
  for (const file of files) {
    try {
      const def = loadCustomProvider(file, baseDir);
      const name = shown(file, baseDir);
      if (base.get(def.slug)) lines.push(`${name}: slug: "${def.slug}" is a built-in provider; give the custom provider another slug`);
      else if (from.has(def.slug)) lines.push(`${name}: slug: "${def.slug}" is already declared by ${from.get(def.slug)}`);
      else {
        from.set(def.slug, name);
        custom.push(def);
      }
    } catch (e) {
      if (!(e instanceof CustomProviderError)) throw e;
      lines.push(...e.lines);
    }
  }
  if (lines.length) throw new CustomProviderError(lines);
  return base.with(custom);
}
