import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { createGunzip } from 'node:zlib';
import {
  Api,
  createQueue,
  eventually,
  RunningServer,
  sql,
  testContext,
  userApi,
  serverPerFile,
} from '../support/harness';
import { seedDecisions } from '../analytics/seed';
import { connectLive } from '../support/live-client';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
const SEEDED = 20_000;

serverPerFile(ctx, async (started) => {
  server = started.server;
  admin = started.admin;
  await createQueue(admin, 'bulk', {
    policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 0, rules: [] },
  });
  const reviewer = await userApi(admin, ['reviewer'], ['bulk']);
  await seedDecisions((text, params) => sql(ctx, text, params), 'bulk', reviewer.user.id, [
    { confidence: 0.8, count: SEEDED / 2, rejected: 1000, corrected: 500 },
    { confidence: 0.6, count: SEEDED / 2, rejected: 3000 },
  ]);
});

/** Counts the lines of an export as they arrive, optionally hanging up after the first chunk. */
function stream(
  path: string,
  opts: { gzip?: boolean; hangUp?: boolean } = {},
): Promise<{ lines: number; status: number; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${admin.token}` };
    if (opts.gzip) headers['accept-encoding'] = 'gzip';
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      let lines = 0;
      const body = opts.gzip ? res.pipe(createGunzip()) : res;
      body.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        if (opts.hangUp) {
          req.destroy();
          resolve({ lines, status: res.statusCode!, aborted: true });
        }
      });
      body.on('end', () => resolve({ lines, status: res.statusCode!, aborted: false }));
      body.on('error', reject);
    });
    req.on('error', (error) => (opts.hangUp ? undefined : reject(error)));
    req.end();
  });
}

void describe('streaming a large export', () => {
  void it('delivers every record, plain and gzipped', async () => {
    const plain = await stream('/v1/feedback/export?format=jsonl&queue=bulk');
    assert.equal(plain.status, 200);
    assert.equal(plain.lines, SEEDED);
    const zipped = await stream('/v1/feedback/export?format=csv&queue=bulk', { gzip: true });
    assert.equal(zipped.lines, SEEDED + 1, 'header + one line per decision');
    assert.equal((await stream('/v1/feedback/export?format=preference&queue=bulk')).lines, 500);
    assert.equal((await stream('/v1/feedback/export?format=chat&queue=bulk')).lines, SEEDED - 4000);
  });

  void it('releases the cursor when the client hangs up, so abandoned downloads never exhaust the pool', async () => {
    // More hang-ups than the connection pool has connections.
    for (let i = 0; i < 25; i += 1) {
      const res = await stream('/v1/feedback/export?format=jsonl&queue=bulk', { hangUp: true });
      assert.equal(res.aborted, true);
    }
    await eventually(async () => {
      const busy = await sql(
        ctx,
        `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state <> 'idle' AND query LIKE '%CROSS JOIN LATERAL%' AND pid <> pg_backend_pid()`,
      );
      return (busy[0] as { n: number }).n === 0;
    }, 10_000);
    const after = await stream('/v1/feedback/export?format=jsonl&queue=bulk');
    assert.equal(after.lines, SEEDED);
    assert.equal((await admin.get('/health')).status, 200);
  });

  void it('reports background export progress live on /live to whoever watches it', async () => {
    const analyst = await userApi(admin, ['analyst'], []);
    const other = await userApi(admin, ['analyst'], []);
    const live = await connectLive(server.url, analyst.token!);
    const stranger = await connectLive(server.url, other.token!);
    try {
      const created = await analyst.post('/v1/feedback/exports', {
        format: 'jsonl',
        queue: 'bulk',
      });
      assert.equal(created.status, 202);
      const id = created.body.id as string;
      const ack = await live.socket.timeout(10_000).emitWithAck('export.watch', { id });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      assert.equal(ack.export.id, id);
      const refused = await stranger.socket.timeout(10_000).emitWithAck('export.watch', { id });
      assert.deepEqual(refused, { ok: false, error: 'not allowed to see this export' });
      // Unless the job had already finished when we started watching, the end arrives live.
      const done =
        ack.export.status === 'done'
          ? ack.export
          : await live.waitFor(
              'export.progress',
              (p) => p.id === id && p.status === 'done',
              30_000,
            );
      assert.equal(done.rows, SEEDED);
      assert.equal(done.progress, 1);
      const seen = live.received
        .filter((e) => e.event === 'export.progress')
        .map((e) => e.data.progress);
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
        'progress only moves forward',
      );
      assert.equal(stranger.received.filter((e) => e.event === 'export.progress').length, 0);
    } finally {
      live.close();
      stranger.close();
    }
  });
});
