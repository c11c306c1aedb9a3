// Regenerates README.md's generated parts: the provider table (from the adapters) and the example's output.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadme } from '../src/docs/readme.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, await renderReadme(readFileSync(file, 'utf8')));
console.log('README.md regenerated');
process.exit(0);
