import jsonLogic from 'json-logic-js';

/**
 * Operators a policy rule may use. json-logic-js also knows "method" (calls any method of
 * any value) and "log" (writes to the console): neither belongs in an admin-editable rule.
 */
const ALLOWED_OPERATORS = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'map',
  'reduce',
  'filter',
  'all',
  'none',
  'some',
  'merge',
  'in',
  'cat',
  'substr',
]);

/** Returns null when the expression is well formed, else a sentence saying what is wrong. */
export function checkJsonLogic(expression: unknown, path = 'when'): string | null {
  if (Array.isArray(expression)) {
    for (let i = 0; i < expression.length; i++) {
      const problem = checkJsonLogic(expression[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (expression === null || typeof expression !== 'object') return null;
  const keys = Object.keys(expression);
  if (keys.length !== 1) {
    return `${path} must be a JSON Logic operation: an object with exactly one operator key`;
  }
  const operator = keys[0];
  if (!ALLOWED_OPERATORS.has(operator)) return `${path} uses unknown operator "${operator}"`;
  return checkJsonLogic((expression as Record<string, unknown>)[operator], `${path}.${operator}`);
}

export function evaluateJsonLogic(expression: unknown, data: unknown): unknown {
  return jsonLogic.apply(expression as jsonLogic.RulesLogic, data);
}
