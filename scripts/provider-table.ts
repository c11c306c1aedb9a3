// Regenerates README.md's generated parts: the provider table (from the adapters) and the example's output.
// With `--config <file>`, prints instead the provider table of that config: built-ins plus its customProviders.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderReadme } from '../src/docs/readme.js';

const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (values.config) {
  const { ConfigError, loadConfig } = await import('../src/config.js');
  const { providerTable } = await import('../src/docs/provider-table.js');
  try {
    process.stdout.write(`${providerTable(loadConfig(values.config).config.providers.all)}\n`);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.exit(0);
}
const file = new URL('../README.md', import.meta.url);
writeFileSync(file, await renderReadme(readFileSync(file, 'utf8')));
console.log('README.md regenerated');
process.exit(0);
