/** Independent reference computations for the analytics tests (written from the definitions, not the service). */

export interface Verdict {
  confidence: number;
  approved: boolean;
}

export function calibrationOf(verdicts: Verdict[], bins: number) {
  const out = Array.from({ length: bins }, (_, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: 0,
    confSum: 0,
    approved: 0,
  }));
  for (const v of verdicts) {
    const b = Math.min(Math.floor(v.confidence * bins), bins - 1);
    out[b].count += 1;
    out[b].confSum += v.confidence;
    if (v.approved) out[b].approved += 1;
  }
  const n = verdicts.length;
  let ece = 0;
  for (const b of out)
    if (b.count) ece += (b.count / n) * Math.abs(b.confSum / b.count - b.approved / b.count);
  return {
    reviewed: n,
    ece,
    bins: out.map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.count,
      humanApproveRate: b.count ? b.approved / b.count : null,
    })),
  };
}

/** Wilson score interval, upper end, z for two-sided 95%. */
export function wilsonUpperRef(k: number, n: number): number {
  const z = 1.959963984540054;
  const phat = k / n;
  const denom = 1 + (z * z) / n;
  const centre = phat + (z * z) / (2 * n);
  const adj = z * Math.sqrt((phat * (1 - phat) + (z * z) / (4 * n)) / n);
  return Math.min(1, (centre + adj) / denom);
}

export function psiRef(a: number[], b: number[]): number {
  const bin = (xs: number[]) => {
    const counts = new Array(10).fill(0);
    for (const x of xs) counts[Math.min(Math.floor(x * 10), 9)] += 1;
    return counts.map((c) => Math.max(c / xs.length, 1e-4));
  };
  const e = bin(a);
  const q = bin(b);
  return e.reduce((s, pe, i) => s + (q[i] - pe) * Math.log(q[i] / pe), 0);
}

export function close(actual: number | null, expected: number | null, message?: string): void {
  if (expected === null || actual === null) {
    if (actual !== expected)
      throw new Error(`${message ?? ''}: expected ${expected}, got ${actual}`);
    return;
  }
  if (Math.abs(actual - expected) > 1e-9)
    throw new Error(`${message ?? ''}: expected ${expected}, got ${actual}`);
}
