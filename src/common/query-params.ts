/** Query parameters that exports, item search and analytics read alike. */
import type { FieldProblem } from './errors';

export interface ModelFilter {
  name: string;
  version?: string;
}

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** ISO 8601 date or date-time; a date alone means midnight UTC. */
export function parseIsoDate(
  value: unknown,
  field: string,
  problems: FieldProblem[],
): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push({
      field,
      message: `${field} must be an ISO 8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z`,
    });
    return undefined;
  }
  return new Date(value).toISOString();
}

/**
 * `name` or `name@version`. The version is whatever follows the last "@", so model names that
 * start with "@" (scoped names) still work.
 */
export function parseModel(value: string | undefined): ModelFilter | undefined {
  if (value === undefined || value === '') return undefined;
  const at = value.lastIndexOf('@');
  if (at <= 0) return { name: value };
  return { name: value.slice(0, at), version: value.slice(at + 1) };
}
