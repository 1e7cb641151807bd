/**
 * @verdict/client/langchain with LangChain's own FakeToolCallingModel (no network, no key) and
 * humanInTheLoopMiddleware, against a real Verdict server while a reviewer decides over REST.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createAgent, FakeToolCallingModel, humanInTheLoopMiddleware, tool } from 'langchain';
import { Command, MemorySaver } from '@langchain/langgraph';
import { z } from 'zod';
import { verdictDecisions } from '@verdict/client/langchain';
import { testContext } from '../support/harness';
import { reviewerDecides, sdkServerPerFile, type SdkQueue, LARGE_REFUND } from './sdk-support';

const ctx = testContext(__filename);
const env = sdkServerPerFile(ctx);

/** An agent whose model asks for the given refunds in one turn, then answers. */
function refundAgent(amounts: number[], ran: number[]) {
  const refund = tool(
    async ({ amount }: { amount: number }) => {
      ran.push(amount);
      return `refunded ${amount}`;
    },
    { name: 'refund', description: 'Refund an order', schema: z.object({ amount: z.number() }) },
  );
  const model = new FakeToolCallingModel({
    toolCalls: [
      amounts.map((amount, i) => ({ name: 'refund', args: { amount }, id: `c${i}` })),
      [],
    ],
  });
  const agent = createAgent({
    model,
    tools: [refund],
    middleware: [humanInTheLoopMiddleware({ interruptOn: { refund: true } })],
    checkpointer: new MemorySaver(),
  });
  return { agent, config: { configurable: { thread_id: randomUUID() } } };
}

interface Checkpointed {
  getState(config: unknown): Promise<unknown>;
}

const toolTexts = (messages: { type?: string; content: unknown; getType?: () => string }[]) =>
  messages.filter((m) => m.getType?.() === 'tool').map((m) => String(m.content));

describe('LangChain human-in-the-loop through Verdict', () => {
  let q: SdkQueue;
  before(async () => {
    q = await env.queue('lc-refunds', {
      policy: { autoApproveAt: 0.9, blockBelow: 0.9, rules: [LARGE_REFUND] },
    });
  });

  /** Runs the agent to its interrupt and answers it from Verdict. */
  async function interrupted(amounts: number[], ran: number[]) {
    const { agent, config } = refundAgent(amounts, ran);
    const first = await agent.invoke({ messages: [{ role: 'user', content: 'Refund' }] }, config);
    const interrupt = first.__interrupt__?.[0];
    assert.ok(interrupt, 'the middleware paused for approval');
    return { agent, config, interrupt };
  }

  it('approves a call routing approves at once (no reviewer), and the tool runs', async () => {
    const ran: number[] = [];
    const { agent, config, interrupt } = await interrupted([30], ran);
    const { response, results } = await verdictDecisions(q.client, q.slug, interrupt, {
      confidence: 0.95,
    });
    assert.deepEqual(response, { decisions: [{ type: 'approve' }] });
    assert.equal(results[0].item.decidedBy, 'policy');
    await agent.invoke(new Command({ resume: response }), config);
    assert.deepEqual(ran, [30]);
  });

  it('approves a held call once a reviewer approves', async () => {
    const ran: number[] = [];
    const { agent, config, interrupt } = await interrupted([400], ran);
    const reviewer = reviewerDecides(env.admin, q.slug, { action: 'approve' });
    const { response, results } = await verdictDecisions(q.client, q.slug, interrupt, {
      confidence: 0.95,
      timeoutSeconds: 120,
    });
    await reviewer;
    assert.ok(results[0].item.reasons.some((r) => r.rule === 'large refund'));
    await agent.invoke(new Command({ resume: response }), config);
    assert.deepEqual(ran, [400]);
  });

  it('batched calls get their decisions in order; an edit runs with the edited args', async () => {
    const ran: number[] = [];
    const { agent, config, interrupt } = await interrupted([500, 20], ran);
    const reviewer = reviewerDecides(env.admin, q.slug, {
      action: 'correct',
      correctedOutput: { toolCall: { name: 'refund', args: { amount: 100 } } },
      reason: 'Cap at 100.',
    });
    const { response } = await verdictDecisions(q.client, q.slug, interrupt, {
      confidence: 0.95,
      timeoutSeconds: 120,
    });
    await reviewer;
    assert.deepEqual(response, {
      decisions: [
        { type: 'edit', editedAction: { name: 'refund', args: { amount: 100 } } },
        { type: 'approve' },
      ],
    });
    await agent.invoke(new Command({ resume: response }), config);
    assert.deepEqual(ran, [100, 20]);
  });

  it('a rejection reaches the model as the tool result', async () => {
    const ran: number[] = [];
    const { agent, config, interrupt } = await interrupted([900], ran);
    const reviewer = reviewerDecides(env.admin, q.slug, {
      action: 'reject',
      reason: 'Refunds over 100 need a manager.',
    });
    const { response } = await verdictDecisions(q.client, q.slug, interrupt, {
      confidence: 0.95,
      timeoutSeconds: 120,
    });
    await reviewer;
    const done = await agent.invoke(new Command({ resume: response }), config);
    assert.deepEqual(ran, []);
    assert.ok(
      toolTexts(done.messages).some((t) => t.includes('Refunds over 100 need a manager.')),
      JSON.stringify(done.messages),
    );
  });

  it('stays pending when time runs out and resumes later from the same interrupt', async () => {
    const ran: number[] = [];
    const { agent, config, interrupt } = await interrupted([700], ran);
    const first = await verdictDecisions(q.client, q.slug, interrupt, {
      confidence: 0.95,
      timeoutSeconds: 1,
    });
    assert.equal(first.response, undefined);
    assert.equal(first.pending.length, 1);
    const held = first.pending[0].item;

    await reviewerDecides(env.admin, q.slug, { action: 'approve' }, held.id);
    // Later: the interrupt from the agent's checkpoint, asked again — the same item answers.
    const state = (await (agent as unknown as Checkpointed).getState(config)) as {
      tasks: { interrupts: { id?: string; value?: unknown }[] }[];
    };
    const again = state.tasks.flatMap((t) => t.interrupts)[0];
    assert.equal(again.id, interrupt.id);
    const later = await verdictDecisions(q.client, q.slug, again, {
      confidence: 0.95,
      timeoutSeconds: 0,
    });
    assert.equal(later.results[0].item.id, held.id);
    await agent.invoke(new Command({ resume: later.response }), config);
    assert.deepEqual(ran, [700]);
  });
});
