// Writes the SDL of both schemas — the tenant API to schema.graphql, the admin API to admin-schema.graphql;
// with --check, fails when either committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { printSchema, type GraphQLSchema } from 'graphql';
import { adminSchema } from '../src/admin/schema/index.js';
import { schema } from '../src/schema/index.js';

const files: [string, GraphQLSchema][] = [['schema.graphql', schema], ['admin-schema.graphql', adminSchema]];
let stale = false;
for (const [name, s] of files) {
  const sdl = `${printSchema(s)}\n`;
  const file = new URL(`../${name}`, import.meta.url);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== sdl) {
      console.error(`${name} is stale: run \`npm run schema:print\` and commit it.`);
      stale = true;
    } else console.log(`${name} is up to date.`);
  } else {
    writeFileSync(file, sdl);
    console.log(`wrote ${name}`);
  }
}
if (stale) process.exit(1);
