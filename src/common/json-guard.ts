import { FieldProblem } from './errors';

const MAX_DEPTH = 64;

/**
 * Postgres jsonb cannot hold U+0000 and overflows its stack on very deep nesting; both must be
 * refused as bad input before they reach the database instead of surfacing as a 500.
 */
export function jsonProblems(value: unknown, field: string, depth = 0): FieldProblem | null {
  if (depth > MAX_DEPTH) return { field, message: `${field} is nested more than ${MAX_DEPTH} levels deep` };
  if (typeof value === 'string') {
    return value.includes('\u0000') ? { field, message: `${field} contains a NUL character (\\u0000), which cannot be stored` } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblems(value[i], `${field}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return { field, message: `${field} has a key with a NUL character (\\u0000)` };
      const problem = jsonProblems(child, `${field}.${key}`, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
