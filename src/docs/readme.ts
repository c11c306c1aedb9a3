// Generated parts of README.md: the provider and error tables and the example query's real output (from demo mode).
import { adminErrorTable, errorTable, warningTable } from './error-table.js';
import { providerTable } from './provider-table.js';
import { startDemo } from '../demo.js';
import { createLogger } from '../logger.js';
import { createGateway } from '../server.js';

function replaceBetween(text: string, start: string, end: string, body: string): string {
  const a = text.indexOf(start);
  const b = text.indexOf(end, a);
  if (a < 0 || b < 0) throw new Error(`README.md lacks the markers ${start} … ${end}`);
  const head = text.slice(0, text.indexOf('\n', a) + 1);
  return `${head}${body}\n${text.slice(b)}`;
}

export function exampleQuery(readme: string): string {
  const m = /<!-- example:start -->\s*```graphql\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md lacks the example query');
  return m[1]!;
}

/** Runs the README's example query against a fresh demo gateway. */
export async function runExample(readme: string): Promise<unknown> {
  const demo = await startDemo();
  const gateway = createGateway(demo.config, { logger: createLogger(() => [], undefined, 'silent') });
  try {
    const res = await gateway.yoga.fetch('http://demo/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.token}` },
      body: JSON.stringify({ query: exampleQuery(readme) }),
    });
    return await res.json();
  } finally {
    await gateway.close();
    await demo.close();
  }
}

export async function renderReadme(readme: string): Promise<string> {
  let out = replaceBetween(readme, '<!-- providers:start', '<!-- providers:end -->', providerTable());
  out = replaceBetween(out, '<!-- errors:start', '<!-- errors:end -->', errorTable());
  out = replaceBetween(out, '<!-- warnings:start', '<!-- warnings:end -->', warningTable());
  out = replaceBetween(out, '<!-- admin-errors:start', '<!-- admin-errors:end -->', adminErrorTable());
  const output = JSON.stringify(await runExample(out), null, 2);
  out = replaceBetween(out, '<!-- output:start', '<!-- output:end -->', `\`\`\`json\n${output}\n\`\`\``);
  return out;
}
