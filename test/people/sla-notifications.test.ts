import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminApi,
  createQueue,
  dropRedisKeys,
  eventually,
  RunningServer,
  serverPerFile,
  ServersStarted,
  sql,
  submission,
  testContext,
} from '../support/harness';
import { SlackReceiver } from './receivers';

const ctx = testContext(__filename);

/** Redis losing its data: every key of this test's prefix goes (jobs, timers, locks). */
const wipeRedis = () => dropRedisKeys(ctx);

describe('notifications: SLA at risk and breached, across crashes and Redis loss', () => {
  let server: RunningServer | undefined;
  let restart: ServersStarted['restart'];
  const slack = new SlackReceiver();

  before(() => slack.start());
  serverPerFile(
    ctx,
    (started) => {
      ({ server, restart } = started);
    },
    { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', PUBLIC_URL: 'http://verdict.example' } },
  );
  after(() => slack.stop());

  it('says "half the SLA gone" once and "SLA breached" once, although the server crashes and Redis loses everything', async () => {
    const admin = await adminApi(server!.url);
    await createQueue(admin, 'sla', {
      name: 'SLA queue',
      policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
      sla: { blockedSeconds: 24, onBlockedTimeout: 'reject', flaggedSeconds: null },
      notifications: [
        { on: ['sla_at_risk', 'sla_breached'], slack: { webhookUrl: `${slack.url}/sla` } },
      ],
    });
    const item = await admin.post('/v1/queues/sla/items', submission({ confidence: 0.1 }));
    assert.equal(item.status, 201);

    // Crash before half the SLA is gone, and lose Redis (the sla.warn timer with it).
    await server!.kill();
    await wipeRedis();
    server = await restart();
    const atRisk = await eventually(
      async () => {
        const p = slack.at('/sla').filter((x) => /half the SLA/.test(x.json.text));
        return p.length > 0 && p;
      },
      60_000,
      200,
    );
    assert.match(atRisk[0].json.text, /^1 item has used half the SLA in SLA queue/);
    assert.equal(
      atRisk[0].json.blocks.find((b: any) => b.type === 'actions').elements[0].url,
      `http://verdict.example/items/${item.body.id}`,
    );

    // Crash again after the warning went out, lose Redis again: the warning is not repeated,
    // and the breach (the item rejected by timeout) is still announced.
    await server!.kill();
    await wipeRedis();
    server = await restart();
    const breached = await eventually(
      async () => {
        const p = slack.at('/sla').filter((x) => /ran out of SLA/.test(x.json.text));
        return p.length > 0 && p;
      },
      60_000,
      200,
    );
    assert.match(breached[0].json.text, /^1 item ran out of SLA in SLA queue/);
    const [stored] = await sql<{ status: string }>(ctx, 'SELECT status FROM items WHERE id = $1', [
      item.body.id,
    ]);
    assert.equal(stored.status, 'rejected');

    // One more restart with Redis wiped: sweeps run again, nothing is sent twice.
    await server!.stop();
    await wipeRedis();
    server = await restart();
    await new Promise((r) => setTimeout(r, 8_000));
    assert.equal(slack.at('/sla').filter((x) => /half the SLA/.test(x.json.text)).length, 1);
    assert.equal(slack.at('/sla').filter((x) => /ran out of SLA/.test(x.json.text)).length, 1);
    const entries = await sql<{ kind: string; n: number }>(
      ctx,
      'SELECT kind, count(*)::int AS n FROM notification_entries GROUP BY kind ORDER BY kind',
    );
    assert.deepEqual(entries, [
      { kind: 'sla_at_risk', n: 1 },
      { kind: 'sla_breached', n: 1 },
    ]);
  });
});
