// The README's provider table, generated from the provider definitions so it can never drift: one row
// per provider and category it serves.
import { filterCapabilities } from '../schema/capabilities.js';
import { PROVIDERS } from '../providers/registry.js';
import type { ProviderDefinition } from '../providers/engine/types.js';
import type { FilterServing } from '../providers/engine/filters.js';

const SERVED: Record<FilterServing, string> = { QUERY_PARAMETER: 'param', REQUEST_BODY: 'body', SCOPED_ENDPOINT: 'endpoint', ENGINE: 'engine', USAGE_DATA: 'usage' };
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The README's table lists the built-ins; `npm run docs -- --config <file>` prints one with the config's custom providers too. */
export function providerTable(providers: readonly ProviderDefinition[] = PROVIDERS): string {
  const rows = providers.flatMap((p) =>
    p.categories.map((category) => {
      const list = p.lists[category]!;
      // A row is one category: a key that category needs is required there.
      const ctx = p.contextKeys.map((k) => `\`context.${k.key}\`${k.required || list.requiredContext.includes(k.key) ? ' (required)' : ''}: ${k.description}`);
      const defaults: Record<string, string | undefined> = list.filterDefaults;
      const fallback = (name: string) => (defaults[name] ? `, else ${defaults[name].replace(/[{}]/g, '')}` : '');
      const filters = filterCapabilities(list).map((f) => `${f.required ? '**' : ''}${f.name}${f.required ? '**' : ''} (${SERVED[f.servedBy]}${fallback(f.name)})`);
      return `| \`${p.slug}\` | ${category} | ${cell([p.auth.description, ...ctx].join('<br>'))} | ${list.paginator.kind}: ${cell(list.paginator.description)} | ${filters.join(', ') || '—'} | [docs](${p.docsUrl}) |`;
    }),
  );
  return [
    '| slug | category | auth and context | pagination | filters (**required**; how served) | API |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
