/** Durations are stored in seconds and entered in the unit people think in. */
export const UNITS = [
  { value: 'seconds', label: 'seconds', seconds: 1 },
  { value: 'minutes', label: 'minutes', seconds: 60 },
  { value: 'hours', label: 'hours', seconds: 3600 },
  { value: 'days', label: 'days', seconds: 86400 },
] as const;
export type Unit = (typeof UNITS)[number]['value'];

export interface Duration {
  /** '' when there is no limit. */
  amount: number | string;
  unit: Unit;
}

/** The largest unit that shows the value as a whole number: 900 s → 15 minutes. */
export function toDuration(
  seconds: number | null | undefined,
  fallback: Unit = 'minutes',
): Duration {
  if (seconds === null || seconds === undefined) return { amount: '', unit: fallback };
  for (const u of [...UNITS].reverse())
    if (seconds >= u.seconds && seconds % u.seconds === 0)
      return { amount: seconds / u.seconds, unit: u.value };
  return { amount: seconds, unit: 'seconds' };
}

/** Seconds, null for an empty amount, or a problem in plain words. */
export function toSeconds(d: Duration): { seconds: number | null; error?: string } {
  if (d.amount === '' || d.amount === null) return { seconds: null };
  const n = Number(d.amount);
  if (!Number.isFinite(n) || n <= 0) return { seconds: null, error: 'Enter a number above 0.' };
  const unit = UNITS.find((u) => u.value === d.unit)!;
  const seconds = n * unit.seconds;
  if (!Number.isInteger(Math.round(seconds * 1000) / 1000) || seconds % 1 !== 0)
    return { seconds: null, error: 'Use whole seconds (e.g. 1.5 minutes, not 1.01).' };
  return { seconds };
}

/** "15 minutes", "1 day", "no limit". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'no limit';
  const d = toDuration(seconds);
  const n = Number(d.amount);
  return `${n} ${n === 1 ? d.unit.replace(/s$/, '') : d.unit}`;
}
