import { FieldProblem } from './errors';

const MAX_DEPTH = 64;

/** Text Postgres cannot store: U+0000, or a UTF-16 surrogate without its pair (jsonb refuses "\ud800"). */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character (\\u0000)';
  // With the u flag a well-formed pair is one code point; only a lone surrogate matches Cs.
  if (/\p{Cs}/u.test(text)) return 'an unpaired UTF-16 surrogate';
  return null;
}

/**
 * Postgres jsonb cannot hold U+0000 or unpaired surrogates and overflows its stack on very deep
 * nesting; all are refused as bad input before they reach the database instead of surfacing as a 500.
 */
export function jsonProblems(value: unknown, field: string, depth = 0): FieldProblem | null {
  if (depth > MAX_DEPTH)
    return { field, message: `${field} is nested more than ${MAX_DEPTH} levels deep` };
  if (typeof value === 'string') {
    const what = unstorable(value);
    return what ? { field, message: `${field} contains ${what}, which cannot be stored` } : null;
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
      const what = unstorable(key);
      if (what)
        return { field, message: `${field} has a key with ${what}, which cannot be stored` };
      const problem = jsonProblems(child, `${field}.${key}`, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
