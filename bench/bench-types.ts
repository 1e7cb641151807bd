/** One line of the `npm run bench` table. */
export interface BenchRow {
  benchmark: string;
  metric: string;
  value: number;
  unit: string;
  /** The same metric for the baseline measured in the same run, when there is one. */
  baseline?: number;
  /** Human-readable goal, e.g. ">= 1.0x baseline" or "< 25 ms". */
  target?: string;
  ok?: boolean;
  /** The machine's 1-minute load average when the figure was taken (the machine is shared). */
  load?: string;
}

/** Each bench/*.bench.ts default-exports one of these; bench/run.ts runs them in turn. */
export type Benchmark = () => Promise<BenchRow[]>;
