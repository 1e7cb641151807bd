import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config';
import { findMentions } from '../../src/notifications/mentions';
import {
  emailMessage,
  slackMessage,
  summaryOf,
  type MessageInput,
} from '../../src/notifications/notification-messages';
import {
  postJson,
  PrivateAddressError,
  smtpSecrets,
} from '../../src/notifications/notification-sender';
import { rulesFor, validateNotifications } from '../../src/queues/notification-rules';
import { checkSlackWebhookUrl, isPrivateAddress } from '../../src/common/slack-url-guard';

describe('notification settings validation', () => {
  it('accepts a well-formed list and keeps only known keys', () => {
    const { rules, problems } = validateNotifications([
      {
        on: ['blocked', 'sla_at_risk'],
        slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X', extra: 1 },
        email: { to: ['a@example.com', 'a@example.com'] },
        includeContent: true,
        unknown: 'dropped',
      },
    ]);
    assert.deepEqual(problems, []);
    assert.deepEqual(rules, [
      {
        on: ['blocked', 'sla_at_risk'],
        slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' },
        email: { to: ['a@example.com'] },
        includeContent: true,
      },
    ]);
  });

  it('names each offending field', () => {
    const { rules, problems } = validateNotifications([
      { on: ['blocked', 'nope'], slack: { webhookUrl: 'ftp://x' } },
      { on: [], email: { to: ['no-at-sign'] }, includeContent: 'yes' },
      'not an object',
    ]);
    assert.equal(rules, undefined);
    assert.deepEqual(
      problems.map((p) => p.field),
      [
        'notifications[0].on[1]',
        'notifications[0].slack.webhookUrl',
        'notifications[1].on',
        'notifications[1].email.to[0]',
        'notifications[1].includeContent',
        'notifications[2]',
      ],
    );
    assert.equal(validateNotifications({}).problems[0].field, 'notifications');
  });

  it('lists the settings and channels listening to an event', () => {
    const rules = [
      { on: ['blocked' as const], slack: { webhookUrl: 'https://x.test/a' } },
      { on: ['comment' as const, 'blocked' as const], email: { to: ['b@example.com'] } },
    ];
    assert.deepEqual(
      rulesFor(rules, 'blocked').map((r) => [r.index, r.channel]),
      [
        [0, 'slack'],
        [1, 'email'],
      ],
    );
    assert.deepEqual(rulesFor(rules, 'escalated'), []);
  });
});

describe('the SSRF rule for Slack URLs', () => {
  it('classifies private, loopback, link-local, shared, multicast and unspecified addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.2.3.4',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
    ])
      assert.equal(isPrivateAddress(a), true, a);
    for (const a of ['93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])
      assert.equal(isPrivateAddress(a), false, a);
  });

  it('refuses literal private hosts unless private networks are allowed', async () => {
    assert.match((await checkSlackWebhookUrl('http://127.0.0.1:9/x', false)) ?? '', /private/);
    assert.match((await checkSlackWebhookUrl('http://[::1]/x', false)) ?? '', /private/);
    assert.equal(await checkSlackWebhookUrl('http://127.0.0.1:9/x', true), null);
    assert.equal(await checkSlackWebhookUrl('http://93.184.216.34/x', false), null);
  });

  it('checks the address actually connected to, not only the one seen at save', async () => {
    // "localhost" is a name: only the guarded lookup at connect time can see it is loopback.
    await assert.rejects(postJson('http://localhost:9/hook', '{}', false), PrivateAddressError);
  });
});

describe('mentions', () => {
  const users = [
    { id: '1', name: 'Ada', email: 'ada@example.com', roles: ['reviewer'], queues: ['q'] },
    { id: '2', name: 'Ada Lovelace', email: 'lovelace@example.com', roles: ['lead'], queues: [] },
    { id: '3', name: 'Eve', email: 'eve@example.com', roles: ['reviewer'], queues: ['other'] },
    { id: '4', name: 'Bob', email: 'bob@example.com', roles: ['reviewer'], queues: ['q'] },
  ];
  const ids = (body: string) => findMentions(body, users, 'q').map((u) => u.id);

  it('finds names and emails, longest first, case-insensitive, at word ends', () => {
    assert.deepEqual(ids('@ada lovelace please look'), ['2']);
    assert.deepEqual(ids('cc @Ada, and @bob@example.com.'), ['1', '4']);
    assert.deepEqual(ids('@adam is not ada; mail me at x@ada'), []);
  });

  it('ignores people who cannot see the queue', () => {
    assert.deepEqual(ids('@Eve and @eve@example.com'), []);
  });
});

describe('messages', () => {
  const now = new Date('2026-11-30T10:00:00Z');
  const item = (n: number) => ({
    id: `00000000-0000-4000-8000-00000000000${n % 10}`,
    routing: 'block',
    status: 'pending',
    reasons: [{ kind: 'threshold' as const, message: 'confidence 0.2 is below 0.5' }],
    createdAt: new Date(now.getTime() - (4 * 60 + n) * 1000),
    slaDueAt: null,
    output: { reply: 'secret-output' },
  });
  const input = (over: Partial<MessageInput> = {}): MessageInput => ({
    queue: { slug: 'support', name: 'Support replies' },
    kind: 'blocked',
    setting: 'notifications[0]',
    settingEvents: ['blocked'],
    channel: 'slack',
    includeContent: false,
    items: Array.from({ length: 12 }, (_, n) => item(n)),
    publicUrl: 'https://verdict.example',
    now,
    ...over,
  });

  it('summarises a group: "12 items blocked in Support replies, oldest 4 min"', () => {
    assert.equal(summaryOf(input()), '12 items blocked in Support replies, oldest 4 min');
    assert.equal(
      summaryOf(input({ kind: 'sla_at_risk', items: [item(1)] })),
      '1 item has used half the SLA in Support replies, oldest 4 min',
    );
  });

  it('builds Block Kit within Slack limits and keeps outputs out unless asked', () => {
    const body = slackMessage(input());
    const blocks = body.blocks as { type: string }[];
    assert.ok(blocks.length <= 50);
    assert.equal(blocks.filter((b) => b.type === 'actions').length, 10);
    assert.ok(!JSON.stringify(body).includes('secret-output'));
    assert.ok(
      JSON.stringify(slackMessage(input({ includeContent: true }))).includes('secret-output'),
    );
  });

  it('escapes HTML in emails', () => {
    const mail = emailMessage(
      input({ channel: 'email', queue: { slug: 's', name: '<script>x</script>' } }),
    );
    assert.ok(!mail.html.includes('<script>'));
    assert.ok(mail.html.includes('&lt;script&gt;'));
    assert.match(mail.text, /notifications\[0\]/);
  });
});

describe('configuration', () => {
  it('reads PUBLIC_URL, SMTP_URL and MAIL_FROM, with defaults', () => {
    const config = loadConfig({ PORT: '4000' });
    assert.equal(config.publicUrl, 'http://localhost:4000');
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.mailFrom, 'Verdict <verdict@localhost>');
    const set = loadConfig({
      PUBLIC_URL: 'https://verdict.example.com/',
      SMTP_URL: 'smtp://u:p@mail.example.com:587',
      MAIL_FROM: 'alerts@example.com',
    });
    assert.equal(set.publicUrl, 'https://verdict.example.com');
    assert.equal(set.mailFrom, 'alerts@example.com');
  });

  it('refuses a malformed SMTP_URL without echoing its credentials', () => {
    for (const bad of ['http://user:hunter22@x', 'not a url hunter22']) {
      assert.throws(
        () => loadConfig({ SMTP_URL: bad }),
        (error: Error) => error instanceof ConfigError && !error.message.includes('hunter22'),
      );
    }
    assert.throws(() => loadConfig({ MAIL_FROM: 'nobody' }), /MAIL_FROM/);
    assert.throws(() => loadConfig({ PUBLIC_URL: 'ftp://x' }), /PUBLIC_URL/);
  });

  it('knows which parts of SMTP_URL to mask', () => {
    assert.deepEqual(smtpSecrets('smtp://mailer:s3cret%21@h:25'), [
      's3cret%21',
      's3cret!',
      'mailer',
    ]);
  });
});
