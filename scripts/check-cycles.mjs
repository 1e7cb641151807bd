/**
 * Import cycles, checked before the tests (`npm run check:cycles`, part of `pretest`):
 * - no file-level cycle at all (madge --circular);
 * - no cycle between the feature folders of src/ either: an import from one folder into another
 *   that can reach the first again fails, whatever file it is in. The layers are in README
 *   ("Module layers"); a lower folder reaches a higher one through a domain event, a job handler
 *   or a port the app module wires, never through an import.
 */
import madge from 'madge';

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
if (onCycle.length > 0) {
  failed = true;
  console.error(`import cycles between src/ folders (${onCycle.length} edge(s) on a cycle):`);
  for (const edge of onCycle.sort()) console.error(`  ${edge}   (e.g. ${edges.get(edge)})`);
}
if (failed) process.exit(1);
console.log(`no import cycles between files or between src/ folders (${edges.size} folder edges)`);
