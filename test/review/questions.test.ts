import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, apiKey, createQueue, testContext, userApi } from '../support/harness';
import { parseCsv } from '../feedback/csv';
import { claimItem, decide, FLAG, serverPerFile, submit, submitInOrder } from './review-support';

const ctx = testContext(__filename);
let admin: Api;
serverPerFile(ctx, (started) => {
  admin = started.admin;
});

const RUBRIC = [
  { key: 'helpful', label: 'How helpful is it?', type: 'rating', min: 1, max: 5, required: true },
  { key: 'tone', label: 'Tone', type: 'single', options: ['friendly', 'neutral', 'rude'] },
  { key: 'issues', label: 'Issues', type: 'multi', options: ['facts', 'format', 'length'] },
  { key: 'safe', label: 'Safe to send?', type: 'boolean', required: true },
  { key: 'note', label: 'Anything else', type: 'text' },
];

const fieldsOf = (body: { fields?: { field: string }[] }) =>
  (body.fields ?? []).map((f) => f.field);

void describe('queue guidelines and questions', () => {
  void it('are validated at save with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [
        [
          { key: 'a', label: 'A', type: 'boolean' },
          { key: 'a', label: 'B', type: 'text' },
        ],
        'questions[1].key',
      ],
      [[{ key: 'Bad Key', label: 'A', type: 'boolean' }], 'questions[0].key'],
      // The request pipeline deletes answers under these keys, so they cannot be questions.
      [[{ key: 'prototype', label: 'A', type: 'boolean' }], 'questions[0].key'],
      [[{ key: 'constructor', label: 'A', type: 'boolean' }], 'questions[0].key'],
      [[{ key: 'a', label: 'A', type: 'single' }], 'questions[0].options'],
      [[{ key: 'a', label: 'A', type: 'multi', options: ['x', 'x'] }], 'questions[0].options'],
      [[{ key: 'a', label: 'A', type: 'rating', min: 5, max: 1 }], 'questions[0].max'],
      [[{ key: 'a', label: 'A', type: 'rating', min: 1.5, max: 3 }], 'questions[0].min'],
      [[{ key: 'a', label: 'A', type: 'stars' }], 'questions[0].type'],
      [[{ key: 'a', label: '', type: 'text' }], 'questions[0].label'],
      [{ key: 'a' }, 'questions'],
    ];
    for (const [questions, field] of cases) {
      const res = await admin.post('/v1/queues', { slug: 'bad-q', name: 'x', questions });
      assert.equal(res.status, 400, JSON.stringify(questions));
      assert.ok(fieldsOf(res.body).includes(field), `${field} in ${JSON.stringify(res.body)}`);
    }
    const long = await admin.post('/v1/queues', {
      slug: 'bad-g',
      name: 'x',
      guidelines: 'x'.repeat(20_001),
    });
    assert.equal(long.status, 400);
    assert.deepEqual(fieldsOf(long.body), ['guidelines']);
  });

  void it('are settable on create and PATCH and kept in the policy history', async () => {
    const created = await createQueue(admin, 'rubric-history', {
      guidelines: '# Approve when\n- it answers',
      questions: RUBRIC.slice(0, 1),
    });
    assert.equal(created.guidelines, '# Approve when\n- it answers');
    assert.equal((created.questions as unknown[]).length, 1);
    const patched = await admin.patch('/v1/queues/rubric-history', {
      guidelines: 'Be strict.',
      questions: RUBRIC,
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.policyVersion, 2);
    assert.equal(patched.body.questions.length, 5);
    // Saving the same values again (a form saving every field) makes no new version.
    const same = await admin.patch('/v1/queues/rubric-history', {
      guidelines: 'Be strict.',
      questions: RUBRIC,
      name: 'Renamed',
    });
    assert.equal(same.body.policyVersion, 2);
    const history = await admin.get('/v1/queues/rubric-history/policy/history');
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.map((v: any) => [v.version, v.guidelines, v.questions.length]),
      [
        [1, '# Approve when\n- it answers', 1],
        [2, 'Be strict.', 5],
      ],
    );
  });
});

void describe('answers', () => {
  void it('are validated per type, stored with the review and returned in reviews', async () => {
    await createQueue(admin, 'answers', { questions: RUBRIC, labels: ['facts'] });
    const key = await apiKey(admin, ['answers']);
    const reviewer = await userApi(admin, ['reviewer'], ['answers']);
    const item = await submit(key, 'answers', { confidence: FLAG });
    assert.equal((await claimItem(reviewer, 'answers')).id, item.id);

    const bad: [Record<string, unknown>, string][] = [
      [{ safe: true }, 'answers.helpful'], // required rating missing
      [{ helpful: 4 }, 'answers.safe'], // required boolean missing
      [{ helpful: 6, safe: true }, 'answers.helpful'], // out of range
      [{ helpful: 3.5, safe: true }, 'answers.helpful'], // not an integer
      [{ helpful: '4', safe: true }, 'answers.helpful'], // a string is not a rating
      [{ helpful: 4, safe: 'yes' }, 'answers.safe'],
      [{ helpful: 4, safe: true, tone: 'angry' }, 'answers.tone'],
      [{ helpful: 4, safe: true, tone: ['friendly'] }, 'answers.tone'],
      [{ helpful: 4, safe: true, issues: 'facts' }, 'answers.issues'],
      [{ helpful: 4, safe: true, issues: ['facts', 'spelling'] }, 'answers.issues'],
      [{ helpful: 4, safe: true, note: 42 }, 'answers.note'],
      [{ helpful: 4, safe: true, mood: 'ok' }, 'answers.mood'], // unknown key
    ];
    for (const [answers, field] of bad) {
      const res = await decide(reviewer, item.id, { action: 'approve', answers });
      assert.equal(res.status, 400, JSON.stringify(answers));
      assert.ok(fieldsOf(res.body).includes(field), `${field} in ${JSON.stringify(res.body)}`);
      assert.match(res.body.message, new RegExp(field.replace('.', '\\.')));
    }
    const notObject = await decide(reviewer, item.id, { action: 'approve', answers: [1] });
    assert.equal(notObject.status, 400);
    assert.deepEqual(fieldsOf(notObject.body), ['answers']);

    const ok = await decide(reviewer, item.id, {
      action: 'reject',
      labels: ['facts'],
      answers: {
        helpful: 2,
        tone: 'neutral',
        issues: ['length', 'facts', 'facts'],
        safe: false,
        note: '  wrong date  ',
      },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body.reviews[0].answers, {
      helpful: 2,
      tone: 'neutral',
      issues: ['facts', 'length'],
      safe: false,
      note: 'wrong date',
    });
    const read = await admin.get(`/v1/items/${item.id}`);
    assert.equal(read.body.reviews[0].answers.helpful, 2);
  });

  void it('are not required to escalate, and a queue without questions refuses any', async () => {
    await createQueue(admin, 'escalate-answers', { questions: RUBRIC });
    await createQueue(admin, 'no-questions');
    const key = await apiKey(admin, ['escalate-answers', 'no-questions']);
    const reviewer = await userApi(admin, ['reviewer'], ['escalate-answers', 'no-questions']);
    const a = await submit(key, 'escalate-answers', { confidence: FLAG });
    await claimItem(reviewer, 'escalate-answers');
    const escalated = await decide(reviewer, a.id, { action: 'escalate', reason: 'unsure' });
    assert.equal(escalated.status, 200, JSON.stringify(escalated.body));
    assert.deepEqual(escalated.body.reviews[0].answers, {});

    const b = await submit(key, 'no-questions', { confidence: FLAG });
    await claimItem(reviewer, 'no-questions');
    const refused = await decide(reviewer, b.id, { action: 'approve', answers: { helpful: 3 } });
    assert.equal(refused.status, 400);
    assert.deepEqual(fieldsOf(refused.body), ['answers.helpful']);
    assert.equal((await decide(reviewer, b.id, { action: 'approve' })).status, 200);
  });

  void it('are exported: jsonl answers, csv one answers.<key> column per question', async () => {
    await createQueue(admin, 'export-answers', { questions: RUBRIC });
    const key = await apiKey(admin, ['export-answers']);
    const reviewer = await userApi(admin, ['reviewer'], ['export-answers']);
    const [first, second] = await submitInOrder(key, 'export-answers', [FLAG, FLAG]);
    await claimItem(reviewer, 'export-answers');
    assert.equal(
      (
        await decide(reviewer, first.id, {
          action: 'approve',
          answers: { helpful: 5, safe: true, issues: ['format'], tone: 'friendly', note: 'a, "b"' },
        })
      ).status,
      200,
    );
    await claimItem(reviewer, 'export-answers');
    assert.equal(
      (
        await decide(reviewer, second.id, {
          action: 'approve',
          answers: { helpful: 1, safe: false },
        })
      ).status,
      200,
    );

    const jsonl = await admin.get('/v1/feedback/export?format=jsonl&queue=export-answers');
    assert.equal(jsonl.status, 200);
    const records = (jsonl.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { itemId: string; answers: Record<string, unknown> });
    const byItem = new Map(records.map((r) => [r.itemId, r.answers]));
    assert.deepEqual(byItem.get(first.id), {
      helpful: 5,
      safe: true,
      issues: ['format'],
      tone: 'friendly',
      note: 'a, "b"',
    });
    assert.deepEqual(byItem.get(second.id), { helpful: 1, safe: false });

    const csv = await admin.get('/v1/feedback/export?format=csv&queue=export-answers');
    assert.equal(csv.status, 200);
    const [header, ...rows] = parseCsv(csv.body as string);
    const tail = header.slice(-5);
    assert.deepEqual(tail, [
      'answers.helpful',
      'answers.tone',
      'answers.issues',
      'answers.safe',
      'answers.note',
    ]);
    assert.ok(!header.includes('answers'));
    const cells = new Map(rows.map((r) => [r[0], r.slice(-5)]));
    assert.ok(cells.has(first.id), JSON.stringify({ first: first.id, csv: csv.body }));
    assert.deepEqual(cells.get(first.id), ['5', 'friendly', '["format"]', 'true', 'a, "b"']);
    assert.deepEqual(cells.get(second.id), ['1', '', '', 'false', '']);
  });

  void it('agreement per question is reported for items several people reviewed', async () => {
    await createQueue(admin, 'agree-answers', { questions: RUBRIC, requiredReviews: 2 });
    const key = await apiKey(admin, ['agree-answers']);
    const a = await userApi(admin, ['reviewer'], ['agree-answers']);
    const b = await userApi(admin, ['reviewer'], ['agree-answers']);
    const item = await submit(key, 'agree-answers', { confidence: FLAG });
    await claimItem(a, 'agree-answers');
    assert.equal(
      (
        await decide(a, item.id, {
          action: 'approve',
          answers: { helpful: 4, safe: true, tone: 'friendly' },
        })
      ).status,
      200,
    );
    await claimItem(b, 'agree-answers');
    assert.equal(
      (
        await decide(b, item.id, {
          action: 'approve',
          answers: { helpful: 3, safe: true, tone: 'friendly' },
        })
      ).status,
      200,
    );
    const res = await admin.get('/v1/analytics/reviewers?queue=agree-answers');
    assert.equal(res.status, 200);
    const questions = new Map<string, any>(
      res.body.queues[0].questions.map((q: any) => [q.key, q] as [string, any]),
    );
    assert.equal(questions.get('helpful').agreementRate, 0);
    assert.equal(questions.get('helpful').multiReviewItems, 1);
    assert.equal(questions.get('safe').agreementRate, 1);
    assert.equal(questions.get('tone').agreementRate, 1);
    assert.equal(questions.get('issues').agreementRate, null, 'nobody answered it');
  });
});

void describe('skip', () => {
  void it('rotates through everything waiting before an item comes back', async () => {
    await createQueue(admin, 'skip-rotation');
    const key = await apiKey(admin, ['skip-rotation']);
    const items = await submitInOrder(key, 'skip-rotation', [FLAG, FLAG, FLAG, FLAG]);
    const reviewer = await userApi(admin, ['reviewer'], ['skip-rotation']);
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const item = await claimItem(reviewer, 'skip-rotation');
      seen.push(item.id);
      assert.equal((await reviewer.delete(`/v1/items/${item.id}/lease`)).status, 204);
    }
    const ids = items.map((i) => i.id);
    assert.deepEqual(seen, [...ids, ...ids], 'each of the four once, then round again');
  });
});
