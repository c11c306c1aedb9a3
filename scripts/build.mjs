// `npm run build`: bundles the gateway (src/main.ts and what it imports) into dist/ with esbuild. One
// bundle loads in about half the CPU time of the same code as ~150 modules (tsc output), which is most of
// a cold start. Lazy imports stay lazy (split chunks: demo mode, the admin API, the database). Type
// checking is `npm run typecheck`. PGlite stays a package: it loads its WebAssembly from its own folder.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, 'src/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Bundled CommonJS packages call require(): give the ES module bundle one.
  banner: { js: "import { createRequire as __rollcallRequire } from 'node:module'; const require = __rollcallRequire(import.meta.url);" },
  external: ['@electric-sql/pglite', 'kysely-pglite-dialect', 'pg-native'],
  logLevel: 'warning',
  write: false,
});
// esbuild escapes non-ASCII text in code but keeps it in the comments it carries over (undici's "request’s").
// One such character makes V8 hold the whole chunk's source as UTF-16: twice the memory, for as long as the
// gateway runs. Escaped, each is the same character in a comment, string or identifier.
const ascii = (text) => text.replace(/[^\x00-\x7f]/gu, (c) => (c.length > 1 ? `\\u{${c.codePointAt(0).toString(16)}}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
mkdirSync(outdir, { recursive: true });
for (const file of result.outputFiles) writeFileSync(file.path, file.path.endsWith('.js') ? ascii(file.text) : file.contents);
