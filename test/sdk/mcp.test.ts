/**
 * verdict-mcp, spawned from the built package's bin over stdio and driven by the MCP SDK's own
 * Client, against a real Verdict server while a reviewer decides over REST.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { testContext } from '../support/harness';
import { reviewerDecides, sdkServerPerFile, type SdkQueue, LARGE_REFUND } from './sdk-support';

const ctx = testContext(__filename);
const env = sdkServerPerFile(ctx);

const pkgFile = require.resolve('@verdict/client/package.json');
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { bin: Record<string, string> };
const BIN = join(dirname(pkgFile), pkg.bin['verdict-mcp']);

describe('verdict-mcp', () => {
  let q: SdkQueue;
  let client: Client;

  before(async () => {
    q = await env.queue('mcp-refunds', {
      policy: { autoApproveAt: 0.9, blockBelow: 0.9, rules: [LARGE_REFUND] },
    });
    client = new Client({ name: 'verdict-mcp-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN],
        env: {
          ...(process.env as Record<string, string>),
          VERDICT_URL: env.server.url,
          VERDICT_API_KEY: q.key,
        },
        stderr: 'inherit',
      }),
    );
  });
  after(() => client?.close());

  const call = async (name: string, args: Record<string, unknown>) => {
    const res = await client.callTool({ name, arguments: args });
    assert.ok(!res.isError, JSON.stringify(res.content));
    return res.structuredContent as Record<string, any>;
  };
  const refund = (amount: number, waitSeconds: number) =>
    call('submit', {
      queue: q.slug,
      confidence: 0.95,
      toolCall: { name: 'refund', args: { amount } },
      waitSeconds,
    });

  it('lists submit, wait_for_decision and report', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['report', 'submit', 'wait_for_decision']);
  });

  it('approves a call routing approves, with no wait', async () => {
    const res = await refund(40, 0);
    assert.equal(res.decision, 'approved');
    assert.deepEqual(res.args, { amount: 40 });
    assert.equal(res.item.decidedBy, 'policy');
  });

  it('waits for a reviewer’s approval of a held call', async () => {
    const reviewer = reviewerDecides(env.admin, q.slug, { action: 'approve' });
    const res = await refund(500, 120);
    await reviewer;
    assert.equal(res.decision, 'approved');
    assert.ok(res.item.reasons.some((r: { rule?: string }) => r.rule === 'large refund'));
  });

  it('returns the edited args, and the rejection reason', async () => {
    const editing = reviewerDecides(env.admin, q.slug, {
      action: 'correct',
      correctedOutput: { toolCall: { name: 'refund', args: { amount: 100 } } },
      reason: 'Cap at 100.',
    });
    const edited = await refund(300, 120);
    await editing;
    assert.equal(edited.decision, 'edited');
    assert.deepEqual(edited.args, { amount: 100 });

    const rejecting = reviewerDecides(env.admin, q.slug, {
      action: 'reject',
      reason: 'Refunds over 100 need a manager.',
    });
    const rejected = await refund(900, 120);
    await rejecting;
    assert.equal(rejected.decision, 'rejected');
    assert.match(rejected.reason, /Refunds over 100 need a manager\./);
  });

  it('answers pending when time runs out; wait_for_decision resumes it', async () => {
    const held = await refund(700, 1);
    assert.equal(held.decision, 'pending');
    const waiting = call('wait_for_decision', { id: held.itemId, timeoutSeconds: 120 });
    await reviewerDecides(env.admin, q.slug, { action: 'approve' }, held.itemId);
    const decided = await waiting;
    assert.equal(decided.status, 'approved');
    assert.equal(decided.decision, 'approved');
    assert.deepEqual(decided.args, { amount: 700 });
  });

  it('submits a plain output and reports it', async () => {
    const submitted = await call('submit', {
      queue: q.slug,
      confidence: 0.95,
      output: { reply: 'Your refund was sent.' },
    });
    assert.equal(submitted.status, 'approved');
    await call('report', { id: submitted.itemId, reason: 'The refund was not sent.' });
    const after = await env.admin.get(`/v1/items/${submitted.itemId}`);
    assert.ok(after.body.reasons.some((r: { kind: string }) => r.kind === 'report'));
  });

  it('answers an error the agent can read for a bad submission', async () => {
    const res = await client.callTool({
      name: 'submit',
      arguments: { queue: 'no-such-queue', confidence: 0.5, output: 'x' },
    });
    assert.equal(res.isError, true);
    assert.match(JSON.stringify(res.content), /40[34]/);
  });
});
