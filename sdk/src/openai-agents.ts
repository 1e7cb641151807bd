/**
 * OpenAI Agents SDK (JS) approvals backed by Verdict.
 *
 * ```ts
 * const verdict = verdictApprovals({ client, queue: 'refunds', confidence: 0.5 });
 * const refund = tool({
 *   name: 'refund', description: 'Refund an order', parameters: z.object({ amount: z.number() }),
 *   // needsApproval: Verdict's routing (approved → runs at once); execute: the reviewer's edited args
 *   ...verdict.forTool('refund', async ({ amount }: { amount: number }) => `refunded ${amount}`),
 * });
 * let result = await run(agent, 'Refund order 81');
 * while (result.interruptions.length) {
 *   const { pending } = await verdict.resolveInterruptions(result, { timeoutSeconds: 60 });
 *   if (pending.length) break;                       // resume later: webhook or waitForDecision
 *   result = await run(agent, result.state);
 * }
 * ```
 */
import type { VerdictClient } from './client';
import { gateToolCall, type GateResult } from './gate';
import type { Item } from './types';

export interface AgentsCall {
  name: string;
  args: Record<string, unknown>;
  callId?: string;
}

export interface VerdictApprovalsOptions {
  client: VerdictClient;
  queue: string | ((call: AgentsCall) => string);
  confidence: number | ((call: AgentsCall) => number);
  model?: { name: string; version?: string };
  metadata?: (call: AgentsCall) => Record<string, unknown> | undefined;
}

/** The parts of a run result this helper uses (`RunResult` / `StreamedRunResult`). */
export interface InterruptedRun {
  interruptions: ApprovalItem[];
  state: {
    approve(item: never, options?: { alwaysApprove?: boolean }): void;
    reject(item: never, options?: { alwaysReject?: boolean; message?: string }): void;
  };
}

interface ApprovalItem {
  name?: string;
  arguments?: string;
  rawItem: { name?: string; callId?: string; arguments?: string; type?: string };
}

/** Looks at the third parameter the Agents SDK hands to `execute`. */
interface ExecuteDetails {
  toolCall?: { callId?: string; name?: string };
}

export function verdictApprovals(options: VerdictApprovalsOptions) {
  const { client } = options;
  const decisions = new Map<string, GateResult>();
  const pick = <T>(v: T | ((c: AgentsCall) => T), call: AgentsCall): T =>
    typeof v === 'function' ? (v as (c: AgentsCall) => T)(call) : v;

  /** Same body for the same call every time, so asking again returns the same item. */
  const gate = async (call: AgentsCall, timeoutSeconds: number, onPending?: (i: Item) => void) => {
    const result = await gateToolCall(
      client,
      pick(options.queue, call),
      {
        name: call.name,
        args: call.args,
        confidence: pick(options.confidence, call),
        ...(call.callId ? { id: call.callId, externalId: `openai-agents:${call.callId}` } : {}),
        model: options.model,
        metadata: options.metadata?.(call),
      },
      { timeoutSeconds, onPending },
    );
    if (call.callId) decisions.set(call.callId, result);
    return result;
  };

  /** needsApproval and execute bound to one tool name (the Agents SDK does not pass it to needsApproval). */
  function forTool<Input, Output>(
    name: string,
    run: (input: Input, runContext?: unknown, details?: unknown) => Promise<Output> | Output,
  ) {
    return {
      needsApproval: async (_ctx: unknown, input: unknown, callId?: string) => {
        const known = callId ? decisions.get(callId) : undefined;
        if (known && known.decision !== 'pending') return known.decision !== 'approved';
        const call = { name, args: (input ?? {}) as Record<string, unknown>, callId };
        return (await gate(call, 0)).decision !== 'approved';
      },
      execute: async (
        input: Input,
        runContext?: unknown,
        details?: unknown,
      ): Promise<Output | string> => {
        const callId = (details as ExecuteDetails | undefined)?.toolCall?.callId;
        let decision = callId ? decisions.get(callId) : undefined;
        if (!decision || decision.decision === 'pending') {
          // A new process resuming a run: ask Verdict (the same body finds the same item).
          decision = await gate({ name, args: input as Record<string, unknown>, callId }, 0);
        }
        if (decision.decision === 'rejected' || decision.decision === 'pending') {
          return decision.reason ?? 'Not approved.';
        }
        const args = decision.decision === 'edited' ? (decision.args as Input) : input;
        return run(args, runContext, details);
      },
    };
  }

  /**
   * Decides a run's interruptions from Verdict (waiting up to `timeoutSeconds`, default 60):
   * approved or edited → `state.approve`, rejected → `state.reject` with the reviewer's reason as
   * what the model is told. Calls still pending are returned; run again when they are decided.
   */
  async function resolveInterruptions(
    result: InterruptedRun,
    resolveOptions: { timeoutSeconds?: number; onPending?: (item: Item) => void } = {},
  ) {
    const results = await Promise.all(
      result.interruptions.map(async (approval) => {
        const raw = approval.rawItem;
        const name = approval.name ?? raw.name ?? '';
        const args = JSON.parse(approval.arguments ?? raw.arguments ?? '{}') as Record<
          string,
          unknown
        >;
        const decision = await gate(
          { name, args, callId: raw.callId },
          resolveOptions.timeoutSeconds ?? 60,
          resolveOptions.onPending,
        );
        return { approval, decision };
      }),
    );
    const pending: GateResult[] = [];
    for (const { approval, decision } of results) {
      if (decision.decision === 'pending') pending.push(decision);
      else if (decision.decision === 'rejected') {
        result.state.reject(approval as never, { message: decision.reason ?? undefined });
      } else result.state.approve(approval as never);
    }
    return { state: result.state, pending, results: results.map((r) => r.decision) };
  }

  return { forTool, resolveInterruptions, decisions };
}
