// `npm start`: builds dist/ (scripts/build.mjs) when it is missing or older than a source file, then runs
// the compiled gateway in this same process — one PID, no TypeScript loader at run time.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

let builtAt = 0;
try {
  builtAt = statSync(entry).mtimeMs;
} catch {}
if (builtAt < Math.max(newestSource(join(root, 'src')), statSync(join(root, 'package-lock.json')).mtimeMs)) {
  process.stderr.write('rollcall: building dist/ (npm run build)…\n');
  // The build's own messages go to stderr: stdout carries JSON log lines only.
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: ['ignore', process.stderr, 'inherit'] });
}
await import(pathToFileURL(entry).href);
