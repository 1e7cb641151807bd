import type { VerdictClient } from './client';
import { isFinal, type Item, type Review } from './types';

/** A proposed agent action, submitted as an item whose output is `{toolCall: {name, args, id?}}`. */
export interface ToolCallProposal {
  name: string;
  args: Record<string, unknown>;
  /** the model's confidence that this call is right, in [0, 1]; routing compares it to the queue's thresholds */
  confidence: number;
  /** the framework's tool-call id, kept in `output.toolCall.id` */
  id?: string;
  /** the conversation that led to the call (shown to reviewers) */
  input?: unknown;
  metadata?: Record<string, unknown>;
  /** idempotency key; generated when absent */
  externalId?: string;
  /** default `{ name: 'agent' }` */
  model?: { name: string; version?: string };
  callbackUrl?: string;
}

export interface GateOptions {
  /** how long to wait for a person when the call is held (default 60; 0 returns at once) */
  timeoutSeconds?: number;
  /** called with the held item when the decision is still pending as the gate returns */
  onPending?: (item: Item) => void | Promise<void>;
  signal?: AbortSignal;
}

export type GateDecision = 'approved' | 'edited' | 'rejected' | 'pending';

export interface GateResult<Args = Record<string, unknown>> {
  decision: GateDecision;
  /** the arguments to run the tool with (the reviewer's when edited) */
  args: Args;
  /** what to tell the model: why it was rejected, or that the call awaits review */
  reason: string | null;
  item: Item;
}

interface ToolCallOutput {
  toolCall?: { name?: string; args?: Record<string, unknown>; id?: string };
}

const toolCallOf = (output: unknown) => (output as ToolCallOutput | null)?.toolCall;

/** The reviewer's words for a rejection: their reason and labels, as the agent should hear them. */
function rejectionReason(item: Item): string {
  if (item.decidedBy === 'timeout') {
    return 'Rejected: no reviewer approved this action within the time allowed.';
  }
  const review = [...(item.reviews ?? [])].reverse().find((r: Review) => r.action === 'reject');
  const parts: string[] = [];
  if (review?.reason) parts.push(review.reason);
  if (review?.labels?.length) parts.push(`(labels: ${review.labels.join(', ')})`);
  return parts.length
    ? `Rejected by a human reviewer: ${parts.join(' ')}`
    : 'Rejected by a human reviewer.';
}

/**
 * Reads a tool-call item's state as a gate decision: useful for an item that arrived later by
 * webhook (see `verifyWebhook`) or from `waitForDecision`.
 */
export function toolCallDecision<Args = Record<string, unknown>>(item: Item): GateResult<Args> {
  const proposed = (toolCallOf(item.output)?.args ?? {}) as Args;
  switch (item.status) {
    case 'approved':
      return { decision: 'approved', args: proposed, reason: null, item };
    case 'corrected':
      return {
        decision: 'edited',
        args: (toolCallOf(item.finalOutput)?.args ?? proposed) as Args,
        reason: 'A human reviewer edited the arguments of this call.',
        item,
      };
    case 'rejected':
      return { decision: 'rejected', args: proposed, reason: rejectionReason(item), item };
    default:
      // A flagged call is usable now (reviewed afterwards); a blocked one waits for a person.
      if (item.usable) return { decision: 'approved', args: proposed, reason: null, item };
      return {
        decision: 'pending',
        args: proposed,
        reason: `This action awaits human review (Verdict item ${item.id}).`,
        item,
      };
  }
}

/**
 * Submits a tool call for review and waits (long-polling) for the decision, up to
 * `timeoutSeconds`. Approved by routing → returns at once; `pending` when the time runs out.
 */
export async function gateToolCall<Args extends Record<string, unknown> = Record<string, unknown>>(
  client: VerdictClient,
  queue: string,
  call: ToolCallProposal & { args: Args },
  options: GateOptions = {},
): Promise<GateResult<Args>> {
  const toolCall: Record<string, unknown> = { name: call.name, args: call.args };
  if (call.id !== undefined) toolCall.id = call.id;
  let item = await client.submit(queue, {
    model: call.model ?? { name: 'agent' },
    output: { toolCall },
    confidence: call.confidence,
    ...(call.input !== undefined ? { input: call.input } : {}),
    ...(call.metadata !== undefined ? { metadata: call.metadata } : {}),
    ...(call.externalId !== undefined ? { externalId: call.externalId } : {}),
    ...(call.callbackUrl !== undefined ? { callbackUrl: call.callbackUrl } : {}),
  });
  let result = toolCallDecision<Args>(item);
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  if (result.decision === 'pending' && timeoutSeconds > 0) {
    item = await client.waitForDecision(item.id, { timeoutSeconds, signal: options.signal });
    result = toolCallDecision<Args>(item);
  } else if (isFinal(item) && item.status === 'rejected' && !item.reviews) {
    // The submission answer has no reviews; fetch them for the reviewer's reason.
    result = toolCallDecision<Args>(await client.getItem(item.id));
  }
  if (result.decision === 'pending') await options.onPending?.(result.item);
  return result;
}
