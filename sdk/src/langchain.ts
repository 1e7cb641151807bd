/**
 * LangChain.js v1 human-in-the-loop backed by Verdict: the `humanInTheLoopMiddleware` interrupt
 * (`{actionRequests, reviewConfigs}`) is answered with Verdict's decisions
 * (`{decisions: [approve | edit | reject]}`), one per action, in order.
 *
 * ```ts
 * let result = await agent.invoke({ messages }, config);
 * for (const interrupt of result.__interrupt__ ?? []) {
 *   const { response } = await verdictDecisions(client, 'refunds', interrupt, { confidence: 0.5 });
 *   if (response) result = await agent.invoke(new Command({ resume: response }), config);
 * }
 * ```
 */
import type { Decision, HITLRequest, HITLResponse } from 'langchain';
import type { VerdictClient } from './client';
import { gateToolCall, type GateResult } from './gate';
import type { Item } from './types';

export interface LangChainAction {
  name: string;
  args: Record<string, unknown>;
  description?: string;
}

export interface VerdictDecisionsOptions {
  confidence: number | ((action: LangChainAction) => number);
  /** how long to wait for people (default 60; 0 only reads what is decided) */
  timeoutSeconds?: number;
  model?: { name: string; version?: string };
  metadata?: (action: LangChainAction) => Record<string, unknown> | undefined;
  /** called with each item still held when the time runs out */
  onPending?: (item: Item) => void | Promise<void>;
}

export interface VerdictDecisionsResult {
  /** the resume value, when every action has a decision: `new Command({ resume: response })` */
  response?: HITLResponse;
  /** one gate result per action, in the interrupt's order */
  results: GateResult[];
  /** the actions still awaiting review (ask again later with the same interrupt) */
  pending: GateResult[];
}

/** Verdict's decision on one action, as the middleware expects it. */
export function toLangChainDecision(action: LangChainAction, result: GateResult): Decision {
  switch (result.decision) {
    case 'approved':
      return { type: 'approve' };
    case 'edited':
      return { type: 'edit', editedAction: { name: action.name, args: result.args } };
    case 'rejected':
      return { type: 'reject', message: result.reason ?? 'Rejected by a human reviewer.' };
    default:
      throw new Error(`the action ${action.name} is still awaiting review`);
  }
}

/**
 * Submits each action of a HITL interrupt to Verdict (all at once, so people can review them in
 * parallel) and waits up to `timeoutSeconds` for the decisions. Pass the interrupt object
 * (`{id, value}`) so that asking again later finds the same items (the interrupt id and the
 * action's position are the idempotency key).
 */
export async function verdictDecisions(
  client: VerdictClient,
  queue: string,
  interrupt: { id?: string; value?: unknown } | HITLRequest,
  options: VerdictDecisionsOptions,
): Promise<VerdictDecisionsResult> {
  const request = ('actionRequests' in interrupt ? interrupt : interrupt.value) as HITLRequest;
  const interruptId = 'actionRequests' in interrupt ? undefined : interrupt.id;
  const actions = request.actionRequests as LangChainAction[];
  const results = await Promise.all(
    actions.map((action, index) =>
      gateToolCall(
        client,
        queue,
        {
          name: action.name,
          args: action.args,
          confidence:
            typeof options.confidence === 'function'
              ? options.confidence(action)
              : options.confidence,
          model: options.model,
          metadata: options.metadata?.(action),
          ...(action.description ? { input: { description: action.description } } : {}),
          ...(interruptId ? { externalId: `langchain:${interruptId}:${index}` } : {}),
        },
        { timeoutSeconds: options.timeoutSeconds, onPending: options.onPending },
      ),
    ),
  );
  const pending = results.filter((r) => r.decision === 'pending');
  return {
    results,
    pending,
    response: pending.length
      ? undefined
      : { decisions: results.map((r, i) => toLangChainDecision(actions[i], r)) },
  };
}
