/**
 * @verdict/client/ai-sdk with the Vercel AI SDK's own MockLanguageModelV4 (no network, no key)
 * against a real Verdict server, while a reviewer decides over REST.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateText, isStepCount, jsonSchema, streamText, tool, type ModelMessage } from 'ai';
import { MockLanguageModelV4, convertArrayToReadableStream } from 'ai/test';
import { verdictToolApproval } from '@verdict/client/ai-sdk';
import { testContext } from '../support/harness';
import {
  LARGE_REFUND,
  queueWithReceiver,
  reviewerDecides,
  sdkServerPerFile,
  type SdkQueue,
} from './sdk-support';

const ctx = testContext(__filename);
const env = sdkServerPerFile(ctx);

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

/** A model that first asks for `refund` with `args`, then answers "done" once it has a tool result. */
function scriptedModel(toolCallId: string, args: Record<string, unknown>) {
  const toolCall = {
    type: 'tool-call' as const,
    toolCallId,
    toolName: 'refund',
    input: JSON.stringify(args),
  };
  let calls = 0;
  return new MockLanguageModelV4({
    doGenerate: async () =>
      calls++ === 0
        ? {
            content: [toolCall],
            finishReason: { unified: 'tool-calls', raw: undefined },
            usage,
            warnings: [],
          }
        : {
            content: [{ type: 'text', text: 'done' }],
            finishReason: { unified: 'stop', raw: undefined },
            usage,
            warnings: [],
          },
    doStream: async () => ({
      stream: convertArrayToReadableStream<unknown>(
        calls++ === 0
          ? [
              { type: 'stream-start', warnings: [] },
              toolCall,
              { type: 'finish', finishReason: { unified: 'tool-calls', raw: undefined }, usage },
            ]
          : [
              { type: 'stream-start', warnings: [] },
              { type: 'text-start', id: 't' },
              { type: 'text-delta', id: 't', delta: 'done' },
              { type: 'text-end', id: 't' },
              { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage },
            ],
      ),
    }),
  } as ConstructorParameters<typeof MockLanguageModelV4>[0]);
}

/** A model that only answers "done". */
const textModel = () =>
  new MockLanguageModelV4({
    doGenerate: {
      content: [{ type: 'text', text: 'done' }],
      finishReason: { unified: 'stop', raw: undefined },
      usage,
      warnings: [],
    },
  });

/** The refund tool, recording the amounts it was really run with. */
function refundTool(ran: number[]) {
  return tool({
    description: 'Refund an order',
    inputSchema: jsonSchema<{ amount: number }>({
      type: 'object',
      properties: { amount: { type: 'number' } },
      required: ['amount'],
    }),
    execute: async ({ amount }) => {
      ran.push(amount);
      return { refunded: amount };
    },
  });
}

const promptOf = (model: MockLanguageModelV4, n: number) =>
  JSON.stringify((model.doGenerateCalls[n] ?? model.doStreamCalls[n]).prompt);

describe('Vercel AI SDK tool approval through Verdict', () => {
  let q: SdkQueue;
  const receiver = queueWithReceiver(
    env,
    'ai-refunds',
    { policy: { autoApproveAt: 0.9, blockBelow: 0.9, rules: [LARGE_REFUND] } },
    (made) => (q = made),
  );

  const gate = (timeoutSeconds = 120) =>
    verdictToolApproval({ client: q.client, queue: q.slug, confidence: 0.95, timeoutSeconds });

  it('runs a call that routing approves at once, with no reviewer', async () => {
    const ran: number[] = [];
    const verdict = gate();
    const model = scriptedModel('call-small', { amount: 40 });
    const result = await generateText({
      model,
      prompt: 'Refund order 81',
      tools: verdict.tools({ refund: refundTool(ran) }),
      toolApproval: verdict.toolApproval,
      stopWhen: isStepCount(3),
    });
    assert.deepEqual(ran, [40]);
    assert.equal(result.text, 'done');
    const item = verdict.decisions.get('call-small')!.item;
    assert.equal(item.routing, 'approve');
    assert.equal(item.decidedBy, 'policy');
  });

  it('holds a large refund (rule on the arguments) and runs it once a reviewer approves', async () => {
    const ran: number[] = [];
    const verdict = gate();
    const reviewer = reviewerDecides(env.admin, q.slug, { action: 'approve' });
    const result = await generateText({
      model: scriptedModel('call-approve', { amount: 500 }),
      prompt: 'Refund order 82',
      tools: verdict.tools({ refund: refundTool(ran) }),
      toolApproval: verdict.toolApproval,
      stopWhen: isStepCount(3),
    });
    const decided = await reviewer;
    assert.deepEqual(ran, [500]);
    assert.equal(result.text, 'done');
    assert.equal(decided.routing, 'block');
    assert.ok(decided.reasons.some((r) => r.kind === 'rule' && r.rule === 'large refund'));
    assert.deepEqual(decided.input, { messages: [{ role: 'user', content: 'Refund order 82' }] });
  });

  it('runs the tool with the arguments a reviewer edited', async () => {
    const ran: number[] = [];
    const verdict = gate();
    const reviewer = reviewerDecides(env.admin, q.slug, {
      action: 'correct',
      correctedOutput: { toolCall: { name: 'refund', args: { amount: 100 }, id: 'call-edit' } },
      reason: 'Cap at 100 without a manager.',
    });
    await generateText({
      model: scriptedModel('call-edit', { amount: 250 }),
      prompt: 'Refund order 83',
      tools: verdict.tools({ refund: refundTool(ran) }),
      toolApproval: verdict.toolApproval,
      stopWhen: isStepCount(3),
    });
    await reviewer;
    assert.deepEqual(ran, [100]);
  });

  it('tells the model why a call was rejected (streamText)', async () => {
    const ran: number[] = [];
    const verdict = gate();
    const model = scriptedModel('call-reject', { amount: 900 });
    const reviewer = reviewerDecides(env.admin, q.slug, {
      action: 'reject',
      reason: 'Refunds over 100 need a manager.',
    });
    const result = streamText({
      model,
      prompt: 'Refund order 84',
      tools: verdict.tools({ refund: refundTool(ran) }),
      toolApproval: verdict.toolApproval,
      stopWhen: isStepCount(3),
    });
    assert.equal(await result.text, 'done');
    await reviewer;
    assert.deepEqual(ran, [], 'the rejected call never ran');
    assert.match(promptOf(model, 1), /Refunds over 100 need a manager\./);
  });

  it('leaves a call pending when time runs out and resumes it from the signed webhook', async () => {
    const ran: number[] = [];
    const verdict = gate(1);
    const tools = verdict.tools({ refund: refundTool(ran) });
    const messages: ModelMessage[] = [{ role: 'user', content: 'Refund order 85' }];
    const first = await generateText({
      model: scriptedModel('call-later', { amount: 300 }),
      messages,
      tools,
      toolApproval: verdict.toolApproval,
      stopWhen: isStepCount(3),
    });
    assert.deepEqual(ran, []);
    const request = first.content.find((p) => p.type === 'tool-approval-request');
    assert.ok(request, 'the call is waiting for approval');
    const held = verdict.decisions.get('call-later')!;
    assert.equal(held.decision, 'pending');

    const decided = await reviewerDecides(env.admin, q.slug, { action: 'approve' }, held.item.id);
    const delivery = await receiver.deliveryFor(decided.id);

    // Later, possibly in another process: a fresh gate, the history and the webhook's item.
    const later = gate(0);
    const history = [...messages, ...first.response.messages];
    const { message, pending } = await later.resolve(history, { items: [delivery.item] });
    assert.equal(pending.length, 0);
    assert.ok(message);
    const resumed = await generateText({
      model: textModel(),
      messages: [...history, message],
      tools: later.tools({ refund: refundTool(ran) }),
      toolApproval: later.toolApproval,
      stopWhen: isStepCount(1),
    });
    assert.deepEqual(ran, [300], 'the approved call ran on resume');
    assert.equal(resumed.text, 'done');
  });
});
