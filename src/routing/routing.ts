import { evaluateJsonLogic, RuleBudgetExceeded } from './json-logic';
import { outputSchemaErrors } from './output-schema';
import { Policy, Reason, Route, ROUTE_STRICTNESS } from './policy.types';

export interface RoutingInput {
  confidence: number;
  model: { name: string; version?: string | null };
  input: unknown;
  output: unknown;
  metadata: Record<string, unknown>;
}

export interface RoutingDecision {
  routing: Route;
  reasons: Reason[];
  /** An approved item picked for an audit review. */
  sampled: boolean;
}

function stricter(a: Route, b: Route): Route {
  return ROUTE_STRICTNESS[b] > ROUTE_STRICTNESS[a] ? b : a;
}

function thresholdReason(confidence: number, policy: Policy): { route: Route; reason: Reason } {
  if (confidence >= policy.autoApproveAt) {
    return {
      route: 'approve',
      reason: {
        kind: 'threshold',
        route: 'approve',
        message: `confidence ${confidence} is at or above ${policy.autoApproveAt}`,
      },
    };
  }
  if (confidence < policy.blockBelow) {
    return {
      route: 'block',
      reason: {
        kind: 'threshold',
        route: 'block',
        message: `confidence ${confidence} is below ${policy.blockBelow}`,
      },
    };
  }
  return {
    route: 'flag',
    reason: {
      kind: 'threshold',
      route: 'flag',
      message: `confidence ${confidence} is between ${policy.blockBelow} and ${policy.autoApproveAt}`,
    },
  };
}

/**
 * Routes one submission. Thresholds give the starting route; rules and the output schema can
 * only make it stricter. `random` is injectable so audit sampling can be tested exactly.
 */
export function routeSubmission(
  policy: Policy,
  outputSchema: object | boolean | null,
  submission: RoutingInput,
  random: () => number = Math.random,
): RoutingDecision {
  const threshold = thresholdReason(submission.confidence, policy);
  let routing = threshold.route;
  const reasons: Reason[] = [threshold.reason];

  for (const rule of policy.rules) {
    let matched: boolean;
    try {
      matched = Boolean(evaluateJsonLogic(rule.when, submission));
    } catch (error) {
      // A rule that cannot be evaluated must not let an output through unseen.
      routing = stricter(routing, 'block');
      reasons.push({
        kind: 'rule',
        rule: rule.name,
        route: 'block',
        message:
          error instanceof RuleBudgetExceeded
            ? `rule "${rule.name}" exceeded the evaluation budget (${error.message}); blocked for a person to decide`
            : `rule "${rule.name}" could not be evaluated: ${(error as Error).message}`,
      });
      continue;
    }
    if (matched) {
      routing = stricter(routing, rule.route);
      reasons.push({
        kind: 'rule',
        rule: rule.name,
        route: rule.route,
        message: `rule "${rule.name}" matched`,
      });
    }
  }

  if (outputSchema !== null && outputSchema !== undefined) {
    const errors = outputSchemaErrors(outputSchema, submission.output);
    if (errors) {
      routing = stricter(routing, 'block');
      reasons.push({
        kind: 'schema',
        route: 'block',
        message: `output does not match the queue's outputSchema: ${errors}`,
      });
    }
  }

  let sampled = false;
  if (routing === 'approve' && policy.auditSampleRate > 0 && random() < policy.auditSampleRate) {
    sampled = true;
    reasons.push({
      kind: 'sample',
      message: `picked for an audit review (rate ${policy.auditSampleRate})`,
    });
  }
  return { routing, reasons, sampled };
}
