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

/**
 * What one rule may spend on one submission. Operations are counted per node evaluated (a `map`
 * over 1 000 elements evaluates its body 1 000 times); allocation counts the elements and
 * characters of every array or string an operator builds, which is what bounds `reduce` +
 * `merge` doubling or `cat` of itself: such a rule fails in milliseconds instead of eating memory.
 */
export const RULE_BUDGET = { operations: 100_000, allocated: 1_000_000 };

/** Thrown when a rule runs past RULE_BUDGET; routing turns it into a `block` with a rule reason. */
export class RuleBudgetExceeded extends Error {}

/** Operators whose result is a fresh array or string, charged by its size. */
const ALLOCATING = new Set(['merge', 'cat', 'map', 'filter', 'substr', 'missing', 'missing_some']);

interface Budget {
  operations: number;
  allocated: number;
}
let current: Budget | null = null;

// json-logic-js recurses through `jsonLogic.apply`, so wrapping it meters every node evaluated,
// including the bodies of map/reduce/filter/all/some/none, without forking the library.
const unmeteredApply = jsonLogic.apply.bind(jsonLogic);
const meteredApply = (logic: jsonLogic.RulesLogic, data?: unknown): unknown => {
  const budget = current;
  if (!budget) return unmeteredApply(logic, data);
  if (--budget.operations < 0)
    throw new RuleBudgetExceeded(`more than ${RULE_BUDGET.operations} operations`);
  const result: unknown = unmeteredApply(logic, data);
  if (
    logic !== null &&
    typeof logic === 'object' &&
    !Array.isArray(logic) &&
    (typeof result === 'string' || Array.isArray(result))
  ) {
    const operator = Object.keys(logic)[0];
    if (ALLOCATING.has(operator) || operator === 'reduce') {
      budget.allocated -= result.length;
      if (budget.allocated < 0)
        throw new RuleBudgetExceeded(
          `intermediate values larger than ${RULE_BUDGET.allocated} elements or characters in total`,
        );
    }
  }
  return result;
};
jsonLogic.apply = meteredApply as typeof jsonLogic.apply;

/** Evaluates one rule under RULE_BUDGET; throws RuleBudgetExceeded past it. */
export function evaluateJsonLogic(expression: unknown, data: unknown): unknown {
  const previous = current;
  current = { ...RULE_BUDGET };
  try {
    return jsonLogic.apply(expression as jsonLogic.RulesLogic, data);
  } finally {
    current = previous;
  }
}
