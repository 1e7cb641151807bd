/**
 * gateToolCall and tool-call items against a real Verdict server: rules on tool arguments,
 * per-tool schemas (`oneOf` keyed by name), corrections validated by the schema, pending calls
 * resumed later, SLA rejections; and the client's retries of 429/503 answers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import { gateToolCall, toolCallDecision, VerdictClient, type Item } from '@verdict/client';
import { testContext } from '../support/harness';
import { reviewerDecides, sdkServerPerFile } from './sdk-support';

const ctx = testContext(__filename);
const env = sdkServerPerFile(ctx);

const TOOL_SCHEMA = {
  type: 'object',
  required: ['toolCall'],
  properties: {
    toolCall: {
      oneOf: [
        {
          type: 'object',
          required: ['name', 'args'],
          properties: {
            name: { const: 'refund' },
            args: {
              type: 'object',
              required: ['amount'],
              properties: { amount: { type: 'number', minimum: 0 } },
            },
          },
        },
        {
          type: 'object',
          required: ['name', 'args'],
          properties: {
            name: { const: 'lookup_order' },
            args: {
              type: 'object',
              required: ['orderId'],
              properties: { orderId: { type: 'string' } },
            },
          },
        },
      ],
    },
  },
};

const RULES = [
  {
    name: 'large refund',
    when: { '>': [{ var: 'output.toolCall.args.amount' }, 100] },
    route: 'block',
  },
  {
    name: 'refunds are flagged at least',
    when: { '==': [{ var: 'output.toolCall.name' }, 'refund'] },
    route: 'flag',
  },
];

describe('tool calls as items', () => {
  it('routes by rules on the tool name and arguments, and by the per-tool schema', async () => {
    const q = await env.queue('tools-routing', {
      policy: { autoApproveAt: 0.9, blockBelow: 0.5, rules: RULES },
      outputSchema: TOOL_SCHEMA,
    });
    const gate = (name: string, args: Record<string, unknown>) =>
      gateToolCall(q.client, q.slug, { name, args, confidence: 0.95 }, { timeoutSeconds: 0 });

    const lookup = await gate('lookup_order', { orderId: '81' });
    assert.equal(lookup.item.routing, 'approve', 'a read-only tool runs without anyone');
    assert.equal(lookup.decision, 'approved');

    const small = await gate('refund', { amount: 40 });
    assert.equal(small.item.routing, 'flag', 'a refund is flagged by the name rule');
    assert.equal(small.decision, 'approved', 'flagged: usable now, reviewed later');

    const large = await gate('refund', { amount: 500 });
    assert.equal(large.item.routing, 'block');
    assert.equal(large.decision, 'pending');
    assert.ok(large.item.reasons.some((r) => r.kind === 'rule' && r.rule === 'large refund'));

    const malformed = await gate('refund', { amount: 'lots' });
    assert.equal(malformed.item.routing, 'block');
    assert.ok(malformed.item.reasons.some((r) => r.kind === 'schema'));

    const unknownTool = await gate('delete_account', { userId: '7' });
    assert.equal(unknownTool.item.routing, 'block', 'a tool the schema does not know is held');
  });

  it('a correction must pass the schema; a valid one becomes the edited args', async () => {
    const q = await env.queue('tools-correct', {
      policy: { autoApproveAt: 0.9, blockBelow: 0.9, rules: RULES },
      outputSchema: TOOL_SCHEMA,
    });
    const held = await gateToolCall(
      q.client,
      q.slug,
      { name: 'refund', args: { amount: 500 }, confidence: 0.95, id: 'call-9' },
      { timeoutSeconds: 0 },
    );
    assert.equal(held.decision, 'pending');
    const claim = await env.admin.post(`/v1/queues/${q.slug}/claim`);
    assert.equal(claim.body.item.id, held.item.id);
    const bad = await env.admin.post(`/v1/items/${held.item.id}/decision`, {
      action: 'correct',
      correctedOutput: { toolCall: { name: 'refund', args: { amount: -5 } } },
      reason: 'negative',
    });
    assert.equal(bad.status, 400, 'an edited call that fails the schema is refused');
    const good = await env.admin.post(`/v1/items/${held.item.id}/decision`, {
      action: 'correct',
      correctedOutput: { toolCall: { name: 'refund', args: { amount: 100 }, id: 'call-9' } },
      reason: 'Cap at 100.',
    });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    const later = toolCallDecision(await q.client.waitForDecision(held.item.id));
    assert.equal(later.decision, 'edited');
    assert.deepEqual(later.args, { amount: 100 });
  });

  it('a pending call calls onPending and is resumed by waitForDecision', async () => {
    const q = await env.queue('tools-pending');
    const seen: Item[] = [];
    const first = await gateToolCall(
      q.client,
      q.slug,
      { name: 'send_email', args: { to: 'a@example.com' }, confidence: 0.5 },
      { timeoutSeconds: 1, onPending: (item) => void seen.push(item) },
    );
    assert.equal(first.decision, 'pending');
    assert.match(first.reason ?? '', new RegExp(first.item.id));
    assert.equal(seen[0]?.id, first.item.id);
    await reviewerDecides(
      env.admin,
      q.slug,
      { action: 'reject', reason: 'Wrong customer.' },
      first.item.id,
    );
    const later = toolCallDecision(await q.client.waitForDecision(first.item.id));
    assert.equal(later.decision, 'rejected');
    assert.equal(later.reason, 'Rejected by a human reviewer: Wrong customer.');
  });

  it('a call nobody approves within the SLA is rejected, and the agent is told so', async () => {
    const q = await env.queue('tools-sla', {
      sla: { blockedSeconds: 1, onBlockedTimeout: 'reject' },
    });
    const result = await gateToolCall(
      q.client,
      q.slug,
      { name: 'deploy', args: { service: 'api' }, confidence: 0.5 },
      { timeoutSeconds: 120 },
    );
    assert.equal(result.decision, 'rejected');
    assert.equal(result.item.decidedBy, 'timeout');
    assert.match(result.reason ?? '', /no reviewer approved this action/);
  });
});

describe('retries', () => {
  it('retries 429 and 503 answers (honouring Retry-After) and creates one item', async () => {
    const q = await env.queue('retried');
    const refusals = [
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 503, headers: {} },
    ];
    let seen = 0;
    // A front that refuses the first two requests the way a busy gateway would, then forwards.
    const front = createServer((req, res) => {
      seen++;
      const refusal = refusals.shift();
      if (refusal) {
        req.resume();
        res.writeHead(refusal.status, refusal.headers).end('busy');
        return;
      }
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: env.server.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    try {
      const port = (front.address() as { port: number }).port;
      const client = new VerdictClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: q.key,
        retryBaseMs: 20,
      });
      const item = await client.submit(q.slug, {
        model: { name: 'm' },
        output: 'a plain string output',
        confidence: 0.95,
      });
      assert.equal(seen, 3);
      assert.equal(item.output, 'a plain string output');
      const listed = await env.admin.get(`/v1/queues/${q.slug}/items`);
      assert.equal(listed.body.items.length, 1);

      const noRetry = new VerdictClient({
        baseUrl: `http://127.0.0.1:${port}`,
        apiKey: q.key,
        maxRetries: 0,
      });
      refusals.push({ status: 503, headers: {} });
      await assert.rejects(
        noRetry.submit(q.slug, { model: { name: 'm' }, output: 'x', confidence: 0.5 }),
        { name: 'VerdictError', status: 503 },
      );
    } finally {
      front.closeAllConnections();
      front.close();
    }
  });
});
