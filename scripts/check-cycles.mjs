/**
 * Import cycles, checked before the tests (`npm run check:cycles`, part of `pretest`):
 * - no file-level cycle at all (madge --circular);
 * - between feature folders of src/, no dependency edge that closes a cycle unless it is one of
 *   the known ones (check-cycles-known.json). The list only shrinks: a new folder cycle fails, and a known one that
 *   has gone is reported so it can be deleted from the list.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import madge from 'madge';

// Folder-level edges (from -> to) that sit on a cycle today, in check-cycles-known.json.
// `node scripts/check-cycles.mjs --update` rewrites it (only when cycles were broken, please).
const KNOWN_FILE = new URL('./check-cycles-known.json', import.meta.url);
const KNOWN = new Set(JSON.parse(readFileSync(KNOWN_FILE, 'utf8')));

const result = await madge('src', {
  fileExtensions: ['ts'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: false } },
});

let failed = false;
const fileCycles = result.circular();
if (fileCycles.length > 0) {
  failed = true;
  console.error(`import cycles between files (${fileCycles.length}):`);
  for (const cycle of fileCycles) console.error(`  ${[...cycle, cycle[0]].join(' -> ')}`);
}

const folderOf = (file) => (file.includes('/') ? file.split('/')[0] : '(root)');
const edges = new Map(); // "a -> b" -> example import
const next = new Map();
for (const [file, deps] of Object.entries(result.obj())) {
  for (const dep of deps) {
    const [a, b] = [folderOf(file), folderOf(dep)];
    if (a === b || a === '(root)') continue; // app.module.ts wires every module: not a cycle
    if (!edges.has(`${a} -> ${b}`)) edges.set(`${a} -> ${b}`, `${file} -> ${dep}`);
    if (!next.has(a)) next.set(a, new Set());
    next.get(a).add(b);
  }
}
const reaches = (from, to) => {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length) {
    for (const n of next.get(stack.pop()) ?? []) {
      if (n === to) return true;
      if (!seen.has(n)) seen.add(n) && stack.push(n);
    }
  }
  return false;
};
const onCycle = [...edges.keys()].filter((edge) => {
  const [a, b] = edge.split(' -> ');
  return reaches(b, a);
});
if (process.argv.includes('--update')) {
  writeFileSync(KNOWN_FILE, `${JSON.stringify(onCycle.sort(), null, 2)}\n`);
  console.log(`wrote ${onCycle.length} folder edge(s) on a cycle to ${KNOWN_FILE.pathname}`);
  process.exit(fileCycles.length > 0 ? 1 : 0);
}
const fresh = onCycle.filter((edge) => !KNOWN.has(edge));
if (fresh.length > 0) {
  failed = true;
  console.error(`new import cycles between src/ folders (${fresh.length}):`);
  for (const edge of fresh) console.error(`  ${edge}   (e.g. ${edges.get(edge)})`);
}
const gone = [...KNOWN].filter((edge) => !onCycle.includes(edge));
if (gone.length > 0)
  console.log(`no longer on a cycle, delete from scripts/check-cycles.mjs: ${gone.join(', ')}`);
if (failed) process.exit(1);
console.log(
  `no file cycles; ${onCycle.length} known folder edge(s) on a cycle${onCycle.length ? ` (${onCycle.length} to break)` : ''}`,
);
