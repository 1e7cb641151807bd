import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, eventually, sql, testContext, serverPerFile } from '../support/harness';

const ctx = testContext(__filename);
let admin: Api;
serverPerFile(ctx, (started) => {
  admin = started.admin;
});

describe('background exports survive Redis losing their job', () => {
  it('an export whose job never reached Redis is run by the sweep and can be downloaded', async () => {
    const [me] = await sql<{ id: string }>(ctx, 'SELECT id FROM users LIMIT 1');
    // What a Redis flush (or an outage at request time) leaves: the row, and no job.
    const [row] = await sql<{ id: string }>(
      ctx,
      `INSERT INTO export_jobs (requested_by, params, status, created_at)
       VALUES ($1, $2, 'queued', now() - interval '1 minute') RETURNING id`,
      [me.id, JSON.stringify({ format: 'jsonl', gzip: false })],
    );
    const done = await eventually(
      async () => {
        const res = await admin.get(`/v1/feedback/exports/${row.id}`);
        return res.body.status === 'done' ? res.body : undefined;
      },
      20_000,
      250,
    );
    assert.equal(done.rows, 0);
    const file = await admin.get(`/v1/feedback/exports/${row.id}/download`);
    assert.equal(file.status, 200);
  });
});
