// The README's provider table, generated from the adapter definitions so it can never drift.
import { filterCapabilities } from '../resolvers/providers.js';
import { PROVIDERS } from '../providers/registry.js';

const SERVED = { QUERY_PARAMETER: 'param', SCOPED_ENDPOINT: 'endpoint', ENGINE: 'engine', USAGE_DATA: 'usage' } as const;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function providerTable(): string {
  const rows = PROVIDERS.map((p) => {
    const ctx = (p.contextKeys ?? []).map((k) => `\`context.${k.key}\`${k.required ? ' (required)' : ''}: ${k.description}`);
    const filters = filterCapabilities(p).map((f) => `${f.required ? '**' : ''}${f.name}${f.required ? '**' : ''} (${SERVED[f.servedBy]})`);
    return `| \`${p.slug}\` | ${p.category} | ${cell([p.auth.description, ...ctx].join('<br>'))} | ${p.list.paginator.kind}: ${cell(p.list.paginator.description)} | ${filters.join(', ') || '—'} | [docs](${p.docsUrl}) |`;
  });
  return [
    '| slug | category | auth and context | pagination | filters (**required**; how served) | API |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
