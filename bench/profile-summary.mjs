// Self-time breakdown of a V8 .cpuprofile (node --cpu-prof): top functions and top modules (package or
// project file), as a share of all samples. Usage: node bench/profile-summary.mjs FILE [topN]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [topN]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const total = profile.samples.length;

/** node_modules package (scoped kept), a project path from src/, or V8's own bucket. */
function moduleOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.search(/\/(src|dist)\//);
  return src >= 0 ? url.slice(src + 1) : url;
}

const fns = new Map();
const mods = new Map();
for (const [id, n] of hits) {
  const node = byId.get(id);
  const cf = node.callFrame;
  const mod = moduleOf(cf.url, cf.functionName);
  const fn = `${cf.functionName || '(anonymous)'} ${mod}:${cf.lineNumber + 1}`;
  fns.set(fn, (fns.get(fn) ?? 0) + n);
  mods.set(mod, (mods.get(mod) ?? 0) + n);
}
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
const print = (title, m) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, n] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(n)}  ${k}\n`);
};
process.stdout.write(`${file}: ${total} samples, ${((profile.endTime - profile.startTime) / 1e6).toFixed(2)} s\n`);
print('self time by module', mods);
print('self time by function', fns);
