/**
 * The app's Postgres pool keeps the connections a burst opened (a fixed-size pool), so quiet after
 * a burst does not end a dozen backends at once and the next burst does not reconnect and
 * re-prepare. DATABASE_POOL_IDLE_TIMEOUT_MS lets an operator release idle connections instead.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  adminApi,
  apiKey,
  createQueue,
  dropTestState,
  eventually,
  type Api,
  type RunningServer,
  sql,
  startServer,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
const servers: RunningServer[] = [];

after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await dropTestState(ctx);
});

/** Connections to the file's database other than this query's own. */
async function backends(): Promise<number> {
  const [{ n }] = await sql<{ n: number }>(
    ctx,
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return n;
}

/** Many submissions and reads at once: enough overlapping statements to open several connections. */
async function burst(key: Api, slug: string): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      i % 2
        ? key.post(`/v1/queues/${slug}/items`, submission({ externalId: `burst-${slug}-${i}` }))
        : key.get(`/v1/queues/${slug}/items?limit=50`),
    ),
  );
  for (const res of results) assert.ok(res.status < 300, JSON.stringify(res.body));
}

async function serverWithQueue(slug: string, env: Record<string, string> = {}) {
  const server = await startServer(ctx, env);
  servers.push(server);
  const admin = await adminApi(server.url);
  await createQueue(admin, slug);
  return { server, key: await apiKey(admin, [slug]) };
}

describe('the Postgres pool', () => {
  it('keeps the connections a burst opened through quiet longer than pg’s 10 s default', async () => {
    const { server, key } = await serverWithQueue('pool-kept');
    await burst(key, 'pool-kept');
    const opened = await backends();
    assert.ok(opened >= 4, `the burst opened ${opened} connections`);
    await new Promise((r) => setTimeout(r, 11_000));
    assert.equal(await backends(), opened, 'no connection was closed while idle');
    // And they still work: the next burst needs no new ones.
    await burst(key, 'pool-kept');
    assert.ok((await backends()) <= Math.max(opened, 20));
    await server.stop();
  });

  it('releases idle connections after DATABASE_POOL_IDLE_TIMEOUT_MS when an operator sets it', async () => {
    const { key } = await serverWithQueue('pool-released', {
      DATABASE_POOL_IDLE_TIMEOUT_MS: '500',
    });
    await burst(key, 'pool-released');
    assert.ok((await backends()) >= 4);
    await eventually(async () => (await backends()) <= 1, 10_000, 200);
  });
});
