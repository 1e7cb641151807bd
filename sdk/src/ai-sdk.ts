/**
 * Vercel AI SDK (v7) tool approval backed by Verdict.
 *
 * ```ts
 * const verdict = verdictToolApproval({ client, queue: 'refunds', confidence: 0.5 });
 * const result = await generateText({
 *   model, prompt, stopWhen: isStepCount(5),
 *   tools: verdict.tools({ refund }),      // runs a call with the reviewer's edited arguments
 *   toolApproval: verdict.toolApproval,    // approved / denied (the model hears why) / held
 * });
 * ```
 * A call still held when `timeoutSeconds` run out stays a `tool-approval-request` in the result;
 * once Verdict has decided (webhook or `waitForDecision`), `verdict.resolve(messages)` returns the
 * `tool-approval-response` message to append before calling `generateText` again.
 */
import type { ModelMessage, Tool, ToolApprovalStatus, ToolSet, TypedToolCall } from 'ai';
import type { VerdictClient } from './client';
import { gateToolCall, toolCallDecision, type GateResult } from './gate';
import type { Item } from './types';

export interface AiSdkCall {
  toolName: string;
  toolCallId: string;
  input: unknown;
}

export interface VerdictToolApprovalOptions {
  client: VerdictClient;
  /** the Verdict queue (slug), or one per call (e.g. a queue per tool family) */
  queue: string | ((call: AiSdkCall) => string);
  /** confidence that the call is right, in [0, 1] */
  confidence: number | ((call: AiSdkCall) => number);
  /** how long a call may wait for a person inside one generation (default 60; 0: hold at once) */
  timeoutSeconds?: number;
  model?: { name: string; version?: string };
  metadata?: (call: AiSdkCall) => Record<string, unknown> | undefined;
  /** send the conversation that led to the call to reviewers (default true) */
  includeMessages?: boolean;
  /** called for each call still held when the gate returns */
  onPending?: (item: Item, call: AiSdkCall) => void | Promise<void>;
}

export interface ResolveResult {
  /** a `role: 'tool'` message with the approval responses to append; undefined when none is ready */
  message?: { role: 'tool'; content: ApprovalResponsePart[] };
  /** calls whose review is still open */
  pending: GateResult[];
}

interface ApprovalResponsePart {
  type: 'tool-approval-response';
  approvalId: string;
  approved: boolean;
  reason?: string;
}

const ITEM_IN_REASON = /Verdict item ([0-9a-f-]{36})/i;

function status(result: GateResult): ToolApprovalStatus {
  switch (result.decision) {
    case 'approved':
    case 'edited':
      return { type: 'approved', reason: result.reason ?? undefined };
    case 'rejected':
      return { type: 'denied', reason: result.reason ?? undefined };
    default:
      return { type: 'user-approval', reason: result.reason ?? undefined };
  }
}

export function verdictToolApproval(options: VerdictToolApprovalOptions) {
  const { client } = options;
  /** decisions by tool call id: what the wrapped tools run with */
  const decisions = new Map<string, GateResult>();
  const pick = <T>(v: T | ((c: AiSdkCall) => T), call: AiSdkCall): T =>
    typeof v === 'function' ? (v as (c: AiSdkCall) => T)(call) : v;

  const toolApproval = async ({
    toolCall,
    messages,
  }: {
    toolCall: TypedToolCall<ToolSet>;
    messages: ModelMessage[];
  }): Promise<ToolApprovalStatus> => {
    const call: AiSdkCall = {
      toolName: toolCall.toolName,
      toolCallId: toolCall.toolCallId,
      input: toolCall.input,
    };
    // Already decided (e.g. by resolve() on resume): the AI SDK asks again; answer from Verdict's decision.
    const known = decisions.get(call.toolCallId);
    if (known && known.decision !== 'pending') return status(known);
    const result = await gateToolCall(
      client,
      pick(options.queue, call),
      {
        name: call.toolName,
        args: (call.input ?? {}) as Record<string, unknown>,
        id: call.toolCallId,
        confidence: pick(options.confidence, call),
        externalId: `ai-sdk:${call.toolCallId}`,
        model: options.model,
        metadata: options.metadata?.(call),
        ...(options.includeMessages === false ? {} : { input: { messages } }),
      },
      {
        timeoutSeconds: options.timeoutSeconds,
        onPending: options.onPending && ((item) => options.onPending!(item, call)),
      },
    );
    decisions.set(call.toolCallId, result);
    return status(result);
  };

  /** Wraps each tool's execute so that an edited call runs with the reviewer's arguments. */
  function tools<T extends ToolSet>(set: T): T {
    const wrapped: Record<string, Tool> = {};
    for (const [name, original] of Object.entries(set) as [string, Tool][]) {
      const execute = original.execute;
      if (!execute) {
        wrapped[name] = original;
        continue;
      }
      wrapped[name] = {
        ...original,
        execute: (input: unknown, execOptions: { toolCallId: string }) => {
          const decision = decisions.get(execOptions.toolCallId);
          if (!decision || decision.decision === 'pending' || decision.decision === 'rejected') {
            throw new Error(
              `Verdict has not approved tool call ${execOptions.toolCallId}; it was not run.`,
            );
          }
          return (execute as (i: unknown, o: unknown) => unknown)(
            decision.decision === 'edited' ? decision.args : input,
            execOptions,
          );
        },
      } as Tool;
    }
    return wrapped as T;
  }

  /**
   * For the approval requests in `messages` that have no response yet: reads Verdict's decision
   * (from `items` already received by webhook, else by waiting up to `timeoutSeconds`, default 0)
   * and returns the approval responses to append.
   */
  async function resolve(
    messages: ModelMessage[],
    resolveOptions: { items?: Item[]; timeoutSeconds?: number } = {},
  ): Promise<ResolveResult> {
    const answered = new Set<string>();
    const requests: { approvalId: string; toolCallId: string; reason?: string }[] = [];
    for (const message of messages) {
      if (typeof message.content === 'string') continue;
      for (const part of message.content as { type: string }[]) {
        if (part.type === 'tool-approval-request') {
          requests.push(part as unknown as (typeof requests)[number]);
        } else if (part.type === 'tool-approval-response') {
          answered.add((part as unknown as { approvalId: string }).approvalId);
        }
      }
    }
    const content: ApprovalResponsePart[] = [];
    const pending: GateResult[] = [];
    for (const request of requests.filter((r) => !answered.has(r.approvalId))) {
      let item = resolveOptions.items?.find(
        (i) => (i.output as { toolCall?: { id?: string } })?.toolCall?.id === request.toolCallId,
      );
      const itemId =
        item?.id ??
        decisions.get(request.toolCallId)?.item.id ??
        ITEM_IN_REASON.exec(request.reason ?? '')?.[1];
      if (!itemId) continue; // not a call Verdict gated
      if (!item || !['approved', 'rejected', 'corrected'].includes(item.status)) {
        item = await client.waitForDecision(itemId, {
          timeoutSeconds: resolveOptions.timeoutSeconds ?? 0,
        });
      } else if (item.status === 'rejected' && !item.reviews) {
        item = await client.getItem(item.id);
      }
      const result = toolCallDecision(item);
      decisions.set(request.toolCallId, result);
      if (result.decision === 'pending') {
        pending.push(result);
        continue;
      }
      content.push({
        type: 'tool-approval-response',
        approvalId: request.approvalId,
        approved: result.decision !== 'rejected',
        ...(result.reason ? { reason: result.reason } : {}),
      });
    }
    return { message: content.length ? { role: 'tool', content } : undefined, pending };
  }

  return { toolApproval, tools, resolve, decisions };
}
