/** Two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

/**
 * Upper end of the Wilson score interval for a binomial proportion (errors out of n), at the
 * two-sided 95% level. Unlike the normal approximation it stays meaningful with zero errors
 * (0 of n gives z²/(n+z²), about 3.84/n) and never leaves [0, 1]. Null without evidence.
 */
export function wilsonUpper(errors: number, n: number, z = Z95): number | null {
  if (n <= 0) return null;
  const p = errors / n;
  const z2 = z * z;
  const center = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.min(1, (center + margin) / (1 + z2 / n));
}

/** Smallest share used for an empty bin, so PSI stays finite. */
const PSI_FLOOR = 1e-4;

/**
 * Population stability index of `actual` against `expected` (counts per bin, same bins):
 * sum((a - e) * ln(a / e)) over bin shares. Under 0.1 is usually read as stable, 0.1–0.25 as a
 * moderate shift, over 0.25 as a large one.
 */
export function psi(expected: number[], actual: number[]): number | null {
  const e = expected.reduce((s, x) => s + x, 0);
  const a = actual.reduce((s, x) => s + x, 0);
  if (e === 0 || a === 0) return null;
  let sum = 0;
  for (let i = 0; i < expected.length; i += 1) {
    const pe = Math.max(expected[i] / e, PSI_FLOOR);
    const pa = Math.max(actual[i] / a, PSI_FLOOR);
    sum += (pa - pe) * Math.log(pa / pe);
  }
  return sum;
}

export function psiLevel(value: number | null): 'stable' | 'moderate' | 'significant' | null {
  if (value === null) return null;
  if (value < 0.1) return 'stable';
  return value < 0.25 ? 'moderate' : 'significant';
}

/** Rounds for presentation without hiding tiny non-zero values. */
export function round(value: number | null, digits = 6): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
