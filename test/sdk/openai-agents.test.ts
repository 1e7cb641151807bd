/**
 * @verdict/client/openai-agents with a fake Model (as the Agents SDK's own tests use; no network,
 * no key) against a real Verdict server while a reviewer decides over REST.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Agent,
  run,
  RunState,
  setTracingDisabled,
  tool,
  Usage,
  type Model,
  type ModelRequest,
  type ModelResponse,
} from '@openai/agents';
import { z } from 'zod';
import { verdictApprovals } from '@verdict/client/openai-agents';
import { testContext } from '../support/harness';
import {
  LARGE_REFUND,
  queueWithReceiver,
  reviewerDecides,
  sdkServerPerFile,
  type SdkQueue,
} from './sdk-support';

setTracingDisabled(true);
const ctx = testContext(__filename);
const env = sdkServerPerFile(ctx);

/** Asks for `refund` once, then answers with the last tool output it was given. */
class FakeModel implements Model {
  readonly requests: ModelRequest[] = [];
  constructor(
    private readonly callId: string,
    private readonly amount: number,
  ) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const first = this.requests.length === 1;
    return {
      usage: new Usage(),
      responseId: `r${this.requests.length}`,
      output: first
        ? [
            {
              type: 'function_call',
              callId: this.callId,
              name: 'refund',
              arguments: JSON.stringify({ amount: this.amount }),
              status: 'completed',
            },
          ]
        : [
            {
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: 'done' }],
            },
          ],
    };
  }

  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not used');
  }

  /** Everything the model was sent after its tool call. */
  get laterInput(): string {
    return JSON.stringify(this.requests.slice(1).map((r) => r.input));
  }
}

describe('OpenAI Agents SDK approvals through Verdict', () => {
  let q: SdkQueue;
  const receiver = queueWithReceiver(
    env,
    'oa-refunds',
    { policy: { autoApproveAt: 0.9, blockBelow: 0.9, rules: [LARGE_REFUND] } },
    (made) => (q = made),
  );

  function setup(callId: string, amount: number) {
    const ran: number[] = [];
    const verdict = verdictApprovals({ client: q.client, queue: q.slug, confidence: 0.95 });
    const refund = tool({
      name: 'refund',
      description: 'Refund an order',
      parameters: z.object({ amount: z.number() }),
      ...verdict.forTool('refund', async ({ amount }: { amount: number }) => {
        ran.push(amount);
        return `refunded ${amount}`;
      }),
    });
    const model = new FakeModel(callId, amount);
    const agent = new Agent({ name: 'support', instructions: 'Help.', model, tools: [refund] });
    return { ran, verdict, agent, model };
  }

  it('runs a call that routing approves without interrupting the run', async () => {
    const { ran, agent, verdict } = setup('oa-small', 40);
    const result = await run(agent, 'Refund order 81');
    assert.equal(result.interruptions?.length ?? 0, 0);
    assert.deepEqual(ran, [40]);
    assert.equal(result.finalOutput, 'done');
    assert.equal(verdict.decisions.get('oa-small')?.item.decidedBy, 'policy');
  });

  it('interrupts a held call and resumes it once a reviewer approves', async () => {
    const { ran, agent, verdict } = setup('oa-approve', 500);
    const result = await run(agent, 'Refund order 82');
    assert.equal(result.interruptions.length, 1);
    const reviewer = reviewerDecides(env.admin, q.slug, { action: 'approve' });
    const { pending } = await verdict.resolveInterruptions(result, { timeoutSeconds: 120 });
    const decided = await reviewer;
    assert.equal(pending.length, 0);
    assert.ok(decided.reasons.some((r) => r.rule === 'large refund'));
    const resumed = await run(agent, result.state);
    assert.deepEqual(ran, [500]);
    assert.equal(resumed.finalOutput, 'done');
  });

  it('runs the tool with the arguments a reviewer edited', async () => {
    const { ran, agent, verdict } = setup('oa-edit', 300);
    const result = await run(agent, 'Refund order 83');
    const reviewer = reviewerDecides(env.admin, q.slug, {
      action: 'correct',
      correctedOutput: { toolCall: { name: 'refund', args: { amount: 100 }, id: 'oa-edit' } },
      reason: 'Cap at 100.',
    });
    await verdict.resolveInterruptions(result, { timeoutSeconds: 120 });
    await reviewer;
    await run(agent, result.state);
    assert.deepEqual(ran, [100]);
  });

  it('tells the model why a call was rejected', async () => {
    const { ran, agent, verdict, model } = setup('oa-reject', 900);
    const result = await run(agent, 'Refund order 84');
    const reviewer = reviewerDecides(env.admin, q.slug, {
      action: 'reject',
      reason: 'Refunds over 100 need a manager.',
    });
    await verdict.resolveInterruptions(result, { timeoutSeconds: 120 });
    await reviewer;
    await run(agent, result.state);
    assert.deepEqual(ran, []);
    assert.match(model.laterInput, /Refunds over 100 need a manager\./);
  });

  it('stays pending when time runs out and resumes after the signed webhook', async () => {
    const { ran, agent, verdict } = setup('oa-later', 700);
    const result = await run(agent, [{ role: 'user', content: 'Refund order 85' }]);
    const first = await verdict.resolveInterruptions(result, { timeoutSeconds: 1 });
    assert.equal(first.pending.length, 1);
    const saved = result.state.toString(); // what a product stores while the call waits
    const held = first.pending[0].item;
    await reviewerDecides(env.admin, q.slug, { action: 'approve' }, held.id);
    const delivery = await receiver.deliveryFor(held.id);
    assert.equal(delivery.item.status, 'approved');

    // The webhook arrived: another process restores the run and resolves it from Verdict.
    const later = setup('oa-later', 700);
    const state = await RunState.fromString(later.agent, saved);
    const second = await later.verdict.resolveInterruptions(
      { interruptions: state.getInterruptions(), state },
      { timeoutSeconds: 0 },
    );
    assert.equal(second.pending.length, 0);
    assert.equal(second.results[0].item.id, held.id);
    const resumed = await run(later.agent, state);
    assert.equal(resumed.finalOutput, 'done');
    assert.deepEqual(ran, []);
    assert.deepEqual(later.ran, [700]);
  });
});
