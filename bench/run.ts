/**
 * `npm run bench [name...]`: runs every bench/*.bench.ts (or those whose file name contains one
 * of the given words) one after another and prints one table. Each benchmark measures its own
 * baseline in the same run where it has one; nothing here is a pass/fail test.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark, BenchRow } from './bench-types';

function table(rows: BenchRow[]): string {
  const header = ['benchmark', 'metric', 'value', 'baseline', 'target', 'ok', 'load'];
  const body = rows.map((r) => [
    r.benchmark,
    r.metric,
    `${r.value} ${r.unit}`,
    r.baseline === undefined ? '' : `${r.baseline} ${r.unit}`,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
    r.load ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const order = [
    'ingestion',
    'review',
    'claim',
    'live',
    'login-flood',
    'export',
    'analytics',
    'search',
  ];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
    .sort(
      (a, b) => order.findIndex((o) => a.startsWith(o)) - order.findIndex((o) => b.startsWith(o)),
    );
  const rows: BenchRow[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file} ...\n`);
    const started = Date.now();
    try {
      // require, not import(): the compiled benchmarks are CommonJS modules.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bench = require(join(__dirname, file)) as { default: Benchmark };
      rows.push(...(await bench.default()));
    } catch (error) {
      rows.push({
        benchmark: file,
        metric: 'error',
        value: 0,
        unit: '',
        target: (error as Error).message.slice(0, 120),
        ok: false,
      });
    }
    process.stderr.write(`  done in ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  process.stdout.write(`\n${table(rows)}\n`);
  process.exit(0);
}

void main();
