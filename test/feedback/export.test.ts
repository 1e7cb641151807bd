import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  ADMIN,
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { decideAll, Plan } from '../analytics/decisions';
import { parseCsv } from './csv';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let reviewer: Api & { user: { id: string; email: string } };
let analyst: Api;

const FIELDS = [
  'itemId',
  'queue',
  'model',
  'confidence',
  'routing',
  'policyVersion',
  'input',
  'output',
  'finalOutput',
  'status',
  'action',
  'labels',
  'reason',
  'comment',
  'reviewer',
  'reviewSeconds',
  'createdAt',
  'decidedAt',
];
const TRICKY = 'commas, "quotes" and\nnewlines,\r\nall "at, once"';

/** The items of the scenario, by letter, as the API returns them after all decisions. */
const items: Record<string, any> = {};

async function submit(api: Api, slug: string, body: Record<string, unknown>) {
  const res = await api.post(`/v1/queues/${slug}/items`, submission(body));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function lines(api: Api, query: string): Promise<any[]> {
  const res = await api.get(`/v1/feedback/export?${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  // The harness parses a body that is one JSON document; an empty body arrives as null.
  if (res.body === null) return [];
  const text = typeof res.body === 'string' ? res.body : `${JSON.stringify(res.body)}\n`;
  return text
    .split('\n')
    .filter((l: string) => l !== '')
    .map((l: string) => JSON.parse(l));
}

/** Raw bytes and headers, without fetch's transparent decompression. */
function rawGet(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, any>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server.url}${path}`,
      { headers: { authorization: `Bearer ${admin.token}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  const policy = { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 0, rules: [] };
  await createQueue(admin, 'support', { policy, labels: ['tone', 'hallucination', 'policy'] });
  await createQueue(admin, 'other', { policy });
  reviewer = await userApi(admin, ['reviewer'], ['support', 'other'], 'rita');
  analyst = await userApi(admin, ['analyst'], [], 'ana');

  const A = await submit(admin, 'support', {
    confidence: 0.6,
    input: {
      messages: [
        { role: 'system', content: 'Be nice' },
        { role: 'user', content: TRICKY },
      ],
    },
    output: { reply: 'Hello, "friend"' },
  });
  const B = await submit(admin, 'support', {
    confidence: 0.3,
    input: TRICKY,
    output: { reply: 'wrong' },
  });
  const C = await submit(admin, 'support', {
    confidence: 0.7,
    model: { name: 'support-llm', version: 'v2' },
    input: { question: 'q?' },
    output: 'a bare string output',
  });
  const D = await submit(admin, 'support', { confidence: 0.4 });
  const E = await submit(admin, 'other', { confidence: 0.55, output: 'other output' });

  await decideAll(
    reviewer,
    'support',
    new Map<string, any>([
      [A.id, { action: 'approve', comment: TRICKY }],
      [
        B.id,
        {
          action: 'correct',
          correctedOutput: { reply: 'right, "now"\nok' },
          labels: ['tone'],
          reason: TRICKY,
          comment: 'c1',
        },
      ],
      [C.id, { action: 'reject', labels: ['hallucination', 'policy'], comment: 'a, b' }],
      [D.id, { action: 'escalate', comment: 'not sure' }],
    ]) as Plan,
  );
  await decideAll(admin, 'support', new Map([[D.id, { action: 'approve' as const }]]));
  await decideAll(reviewer, 'other', new Map([[E.id, { action: 'approve' as const }]]));
  // Auto-approved and still-pending items are not human decisions: they never appear.
  const F = await submit(admin, 'support', { confidence: 0.95 });
  const G = await submit(admin, 'support', { confidence: 0.45 });
  for (const [letter, item] of Object.entries({ A, B, C, D, E, F, G })) {
    items[letter] = (await admin.get(`/v1/items/${item.id}`)).body;
  }
});

/** The records the export must contain: one per review of every item, from the API's own view of them. */
function expectedRecords() {
  const out: { item: any; review: any }[] = [];
  for (const item of Object.values(items))
    for (const review of item.reviews) out.push({ item, review });
  return out.sort((a, b) => a.review.decidedAt.localeCompare(b.review.decidedAt));
}

function checkRecord(record: any, item: any, review: any) {
  // jsonl also carries the item's comment thread (none in this scenario) and the answers to the
  // queue's questions; csv spreads answers over answers.<key> columns and has no comments.
  assert.deepEqual(Object.keys(record), [...FIELDS, 'comments', 'answers']);
  assert.deepEqual(record.comments, []);
  assert.deepEqual(record.answers, review.answers);
  assert.equal(record.itemId, item.id);
  assert.equal(record.queue, item.queue);
  assert.deepEqual(record.model, item.model);
  assert.equal(record.confidence, item.confidence);
  assert.equal(record.routing, item.routing);
  assert.equal(record.policyVersion, item.policyVersion);
  assert.deepEqual(record.input, item.input);
  assert.deepEqual(record.output, item.output);
  assert.deepEqual(record.finalOutput, item.finalOutput);
  assert.equal(record.status, item.status);
  assert.equal(record.action, review.action);
  assert.deepEqual(record.labels, review.labels);
  assert.equal(record.reason, review.reason);
  assert.equal(record.comment, review.comment);
  assert.equal(record.reviewSeconds, review.reviewSeconds);
  assert.equal(record.createdAt, item.createdAt);
  assert.equal(record.decidedAt, review.decidedAt);
}

void describe('GET /v1/feedback/export', () => {
  void it('jsonl: one record per human decision, every field as the API shows it, oldest decision first', async () => {
    const res = await admin.get('/v1/feedback/export?format=jsonl');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/x-ndjson/);
    assert.match(res.headers.get('content-disposition')!, /^attachment; filename="[^"]+\.jsonl"$/);
    const records = await lines(admin, 'format=jsonl');
    const expected = expectedRecords();
    assert.equal(records.length, 6);
    assert.equal(records.length, expected.length);
    records.forEach((record, i) => checkRecord(record, expected[i].item, expected[i].review));
    // The tricky text survives byte for byte.
    const a = records.find((r) => r.itemId === items.A.id);
    assert.equal(a.comment, TRICKY);
    assert.equal(a.input.messages[1].content, TRICKY);
    // D: the escalation and the admin's final approval are two decisions.
    assert.deepEqual(
      records.filter((r) => r.itemId === items.D.id).map((r) => r.action),
      ['escalate', 'approve'],
    );
  });

  void it('names reviewers by a stable pseudonym, never by email or id', async () => {
    const records = await lines(admin, 'format=jsonl');
    const byReviewer = new Map<string, Set<string>>();
    for (const item of Object.values(items)) {
      for (const review of item.reviews) {
        const record = records.find(
          (r) => r.itemId === item.id && r.decidedAt === review.decidedAt,
        );
        assert.match(record.reviewer, /^rv_[0-9a-f]{32}$/);
        byReviewer.set(
          review.reviewer,
          (byReviewer.get(review.reviewer) ?? new Set()).add(record.reviewer),
        );
      }
    }
    assert.equal(byReviewer.size, 2);
    const pseudonyms = [...byReviewer.values()].map((s) => [...s]);
    for (const p of pseudonyms) assert.equal(p.length, 1, 'one pseudonym per person');
    assert.notEqual(pseudonyms[0][0], pseudonyms[1][0]);
    const text = (await admin.get('/v1/feedback/export?format=jsonl')).body as string;
    assert.ok(
      !text.includes(reviewer.user.email) &&
        !text.includes(ADMIN.email) &&
        !text.includes(reviewer.user.id),
    );
    // Stable: the same pseudonym in a later export.
    const again = await lines(admin, 'format=jsonl');
    assert.deepEqual(
      again.map((r) => r.reviewer),
      records.map((r) => r.reviewer),
    );
  });

  void it('csv: a header row, then the same records, quoted so commas, quotes and newlines survive', async () => {
    const res = await admin.get('/v1/feedback/export?format=csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/csv/);
    assert.match(res.headers.get('content-disposition')!, /filename="[^"]+\.csv"/);
    const rows = parseCsv(res.body as string);
    assert.deepEqual(rows[0], FIELDS);
    const records = await lines(admin, 'format=jsonl');
    assert.equal(rows.length - 1, records.length);
    rows.slice(1).forEach((row, i) => {
      const record = records[i];
      const cell = (f: string) => row[FIELDS.indexOf(f)];
      assert.equal(row.length, FIELDS.length);
      for (const f of [
        'itemId',
        'queue',
        'routing',
        'status',
        'action',
        'reviewer',
        'createdAt',
        'decidedAt',
      ])
        assert.equal(cell(f), record[f]);
      for (const f of ['reason', 'comment']) assert.equal(cell(f), record[f] ?? '');
      for (const f of ['confidence', 'policyVersion', 'reviewSeconds'])
        assert.equal(Number(cell(f)), record[f]);
      for (const f of ['model', 'input', 'output', 'labels'])
        assert.deepEqual(JSON.parse(cell(f)), record[f]);
      assert.deepEqual(
        cell('finalOutput') === '' ? null : JSON.parse(cell('finalOutput')),
        record.finalOutput,
      );
    });
    const b = rows
      .slice(1)
      .find((r) => r[0] === items.B.id && r[FIELDS.indexOf('action')] === 'correct')!;
    assert.equal(b[FIELDS.indexOf('reason')], TRICKY);
    assert.equal(JSON.parse(b[FIELDS.indexOf('input')]), TRICKY);
    assert.deepEqual(JSON.parse(b[FIELDS.indexOf('finalOutput')]), { reply: 'right, "now"\nok' });
  });

  void it('chat: one line per approved or corrected item, prompt then the final output as the assistant turn', async () => {
    const chat = await lines(admin, 'format=chat');
    const expected = new Map<string, unknown>([
      [
        items.A.id,
        {
          messages: [
            ...items.A.input.messages,
            { role: 'assistant', content: JSON.stringify(items.A.finalOutput) },
          ],
        },
      ],
      [
        items.B.id,
        {
          messages: [
            { role: 'user', content: TRICKY },
            { role: 'assistant', content: JSON.stringify({ reply: 'right, "now"\nok' }) },
          ],
        },
      ],
      [
        items.D.id,
        {
          messages: [
            ...items.D.input.messages,
            { role: 'assistant', content: JSON.stringify(items.D.output) },
          ],
        },
      ],
      [
        items.E.id,
        { messages: [...items.E.input.messages, { role: 'assistant', content: 'other output' }] },
      ],
    ]);
    assert.equal(chat.length, expected.size);
    for (const line of chat) assert.deepEqual(Object.keys(line), ['messages']);
    assert.deepEqual(
      chat.map((l) => JSON.stringify(l)).sort(),
      [...expected.values()].map((l) => JSON.stringify(l)).sort(),
    );
  });

  void it('chat: a non-string, non-messages input becomes one user message of JSON text', async () => {
    // C was rejected (not in chat); approve a fresh item with such an input to see it.
    const H = await submit(admin, 'support', {
      confidence: 0.6,
      input: { question: 'why?', n: 1 },
      output: 'because',
    });
    await decideAll(
      admin,
      'support',
      new Map([
        [items.G.id, { action: 'reject' as const, labels: ['tone'] }],
        [H.id, { action: 'approve' as const }],
      ]),
    );
    const chat = await lines(admin, 'format=chat&action=approve');
    const line = chat.find((l) => l.messages.at(-1).content === 'because');
    assert.deepEqual(line, {
      messages: [
        { role: 'user', content: JSON.stringify({ n: 1, question: 'why?' }) },
        { role: 'assistant', content: 'because' },
      ],
    });
    items.G = (await admin.get(`/v1/items/${items.G.id}`)).body;
    items.H = (await admin.get(`/v1/items/${H.id}`)).body;
  });

  void it('preference: one {prompt, chosen, rejected} line per corrected item', async () => {
    const pref = await lines(admin, 'format=preference');
    assert.deepEqual(pref, [
      {
        prompt: [{ role: 'user', content: TRICKY }],
        chosen: { reply: 'right, "now"\nok' },
        rejected: { reply: 'wrong' },
      },
    ]);
  });

  void it('filters by queue, model (name or name@version), action, label and decision time', async () => {
    const ids = async (q: string) =>
      (await lines(admin, `format=jsonl&${q}`)).map((r) => `${r.itemId}:${r.action}`);
    assert.deepEqual(await ids('queue=other'), [`${items.E.id}:approve`]);
    assert.deepEqual(await ids('model=support-llm%40v2'), [`${items.C.id}:reject`]);
    assert.equal((await ids('model=support-llm')).length, expectedRecords().length);
    assert.deepEqual(await ids('model=nobody'), []);
    assert.deepEqual(await ids('action=correct'), [`${items.B.id}:correct`]);
    assert.deepEqual(
      (await ids('label=tone')).sort(),
      [`${items.B.id}:correct`, `${items.G.id}:reject`].sort(),
    );
    assert.deepEqual(await ids('label=policy&queue=support'), [`${items.C.id}:reject`]);
    assert.equal((await lines(admin, 'format=chat&queue=other')).length, 1);
    assert.equal((await lines(admin, 'format=preference&label=hallucination')).length, 0);

    const all = await lines(admin, 'format=jsonl');
    const pivot = all[2];
    const since = await lines(admin, `format=jsonl&since=${encodeURIComponent(pivot.decidedAt)}`);
    const until = await lines(admin, `format=jsonl&until=${encodeURIComponent(pivot.decidedAt)}`);
    assert.ok(
      since.some((r) => r.decidedAt === pivot.decidedAt),
      'since is inclusive',
    );
    assert.ok(
      until.some((r) => r.decidedAt === pivot.decidedAt),
      'until is inclusive',
    );
    for (const r of since) assert.ok(r.decidedAt >= pivot.decidedAt);
    for (const r of until) assert.ok(r.decidedAt <= pivot.decidedAt);
    assert.equal(
      since.length + until.length - all.filter((r) => r.decidedAt === pivot.decidedAt).length,
      all.length,
    );
    assert.deepEqual(await lines(admin, 'format=jsonl&since=2100-01-01'), []);
    assert.equal((await lines(admin, 'format=jsonl&until=2000-01-01')).length, 0);
  });

  void it('refuses bad parameters with 400 naming the field, an unknown queue with 404', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'since'],
      ['until=2026-13-45', 'until'],
      ['format=xml', 'format'],
      ['action=maybe', 'action'],
      ['since=2026-02-01&until=2026-01-01', 'until'],
      ['gzip=perhaps', 'gzip'],
    ]) {
      const res = await admin.get(`/v1/feedback/export?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.body.message, new RegExp(field), query);
    }
    assert.equal((await admin.get('/v1/feedback/export?queue=nope')).status, 404);
  });

  void it('gzips on Accept-Encoding: gzip or ?gzip=1, and not otherwise', async () => {
    const plain = await rawGet('/v1/feedback/export?format=jsonl', {});
    assert.equal(plain.headers['content-encoding'], undefined);
    const viaHeader = await rawGet('/v1/feedback/export?format=jsonl', {
      'accept-encoding': 'gzip',
    });
    assert.equal(viaHeader.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(viaHeader.body).toString(), plain.body.toString());
    const viaQuery = await rawGet('/v1/feedback/export?format=csv&gzip=1', {});
    assert.equal(viaQuery.headers['content-encoding'], 'gzip');
    assert.equal(
      gunzipSync(viaQuery.body).toString(),
      (await rawGet('/v1/feedback/export?format=csv', {})).body.toString(),
    );
    const refused = await rawGet('/v1/feedback/export?format=jsonl&gzip=0', {
      'accept-encoding': 'gzip',
    });
    assert.equal(refused.headers['content-encoding'], undefined);
  });

  void it('is for admins, leads and analysts only', async () => {
    assert.equal((await analyst.get('/v1/feedback/export?format=jsonl')).status, 200);
    const lead = await userApi(admin, ['lead'], []);
    assert.equal((await lead.get('/v1/feedback/export?format=csv')).status, 200);
    assert.equal((await reviewer.get('/v1/feedback/export?format=jsonl')).status, 403);
    assert.equal(
      (await (await apiKey(admin, ['*'])).get('/v1/feedback/export?format=jsonl')).status,
      403,
    );
    assert.equal((await new Api(server.url).get('/v1/feedback/export')).status, 401);
  });
});

void describe('POST /v1/feedback/exports (background)', () => {
  void it('runs the export as a job, reports progress and serves the same file when done', async () => {
    const created = await analyst.post('/v1/feedback/exports', {
      format: 'jsonl',
      queue: 'support',
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal(typeof created.body.id, 'string');
    assert.ok(['queued', 'running', 'done'].includes(created.body.status));
    const done = await eventually(async () => {
      const res = await analyst.get(`/v1/feedback/exports/${created.body.id}`);
      assert.equal(res.status, 200);
      return res.body.status === 'done' ? res.body : undefined;
    }, 20_000);
    const expected = await analyst.get('/v1/feedback/export?format=jsonl&queue=support');
    assert.equal(done.progress, 1);
    assert.equal(done.rows, (expected.body as string).split('\n').filter(Boolean).length);
    const file = await analyst.get(`/v1/feedback/exports/${created.body.id}/download`);
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition')!, /attachment; filename=".+\.jsonl"/);
    assert.equal(file.body, expected.body);
  });

  void it('validates like the streaming export, and keeps exports to their requester, admins and leads', async () => {
    const bad = await admin.post('/v1/feedback/exports', { format: 'jsonl', since: 'last week' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /since/);
    assert.equal((await reviewer.post('/v1/feedback/exports', { format: 'jsonl' })).status, 403);
    const mine = await admin.post('/v1/feedback/exports', { format: 'csv', gzip: true });
    assert.equal(mine.status, 202);
    const otherAnalyst = await userApi(admin, ['analyst'], []);
    assert.equal((await otherAnalyst.get(`/v1/feedback/exports/${mine.body.id}`)).status, 403);
    const done = await eventually(async () => {
      const res = await admin.get(`/v1/feedback/exports/${mine.body.id}`);
      return res.body.status === 'done' ? res.body : undefined;
    }, 20_000);
    const file = await rawGet(`/v1/feedback/exports/${done.id}/download`, {});
    assert.equal(file.headers['content-type'], 'application/gzip');
    const rows = parseCsv(gunzipSync(file.body).toString());
    assert.deepEqual(rows[0], FIELDS);
    assert.equal(
      (await admin.get('/v1/feedback/exports/00000000-0000-4000-8000-000000000000')).status,
      404,
    );
  });
});
