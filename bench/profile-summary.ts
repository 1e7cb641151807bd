/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: self time of a V8 CPU profile
 * (from `node --cpu-prof`, e.g. `BENCH_CPU_PROF=/tmp/prof npm run bench -- ingestion`) grouped
 * two ways: by package (node_modules/<name>, our src/, node: internals, GC, idle) and by function.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'program (native, unattributed)';
  if (!url) return `native: ${name || '(anonymous)'}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/dist/src/');
  if (src >= 0) return `verdict ${url.slice(src + '/dist/src/'.length)}`;
  return url;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // Count samples rather than sum their time deltas: on a loaded machine the process is often
  // descheduled, and the sample after such a pause would carry the whole pause as its time.
  const interval = median(profile.timeDeltas);
  profile.samples.forEach((id) => self.set(id, (self.get(id) ?? 0) + interval));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)');
  const busy = total - idle.reduce((a, [, t]) => a + t, 0);
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + t);
    const fn = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + t);
  }
  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title} (share of busy samples)\n`);
    for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      process.stdout.write(`${((100 * t) / busy).toFixed(1).padStart(5)} %  ${k}\n`);
  };
  process.stdout.write(
    `${profile.samples.length} samples; busy ${((100 * busy) / total).toFixed(0)} % of them\n`,
  );
  show('by package', packages);
  show('by function', functions);
}

main();
