/** verifyWebhook on its own: what a receiver accepts and refuses (the real deliveries are in client.test). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyWebhook, WebhookVerificationError } from '@verdict/client';

const SECRET = 'whsec_test';
const body = JSON.stringify({ id: 'i1', status: 'approved', output: { reply: 'héllo' } });
const sign = (t: number, payload = body, secret = SECRET) =>
  createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');
const now = Math.floor(Date.now() / 1000);

const refused = (reason: string) => (err: unknown) =>
  err instanceof WebhookVerificationError && err.reason === reason;

describe('verifyWebhook', () => {
  it('accepts the raw body as a string or as bytes and returns the item', () => {
    const header = `t=${now},v1=${sign(now)}`;
    assert.equal(verifyWebhook({ body, header, secret: SECRET }).id, 'i1');
    const item = verifyWebhook({ body: Buffer.from(body), header: [header], secret: SECRET });
    assert.deepEqual(item.output, { reply: 'héllo' });
  });

  it('accepts any matching v1 among several (a secret being rotated)', () => {
    const header = `t=${now},v1=${sign(now, body, 'old-secret')},v1=${sign(now)}`;
    assert.equal(verifyWebhook({ body, header, secret: SECRET }).id, 'i1');
  });

  it('refuses a parsed object, a missing or malformed header and a wrong signature', () => {
    const header = `t=${now},v1=${sign(now)}`;
    assert.throws(
      () => verifyWebhook({ body: JSON.parse(body), header, secret: SECRET }),
      refused('bad_body'),
    );
    assert.throws(
      () => verifyWebhook({ body, header: '', secret: SECRET }),
      refused('missing_header'),
    );
    assert.throws(
      () => verifyWebhook({ body, header: `v1=${sign(now)}`, secret: SECRET }),
      refused('malformed_header'),
    );
    assert.throws(
      () => verifyWebhook({ body, header: `t=${now},v1=abc`, secret: SECRET }),
      refused('malformed_header'),
    );
    assert.throws(
      () => verifyWebhook({ body: body + ' ', header, secret: SECRET }),
      refused('bad_signature'),
    );
    const resigned = `t=${now + 1},v1=${sign(now)}`;
    assert.throws(
      () => verifyWebhook({ body, header: resigned, secret: SECRET }),
      refused('bad_signature'),
    );
  });

  it('refuses timestamps outside the tolerance, in the past or the future', () => {
    // Taken here, not at load: a file loaded on a busy machine can start its tests seconds
    // later, and "now + 301" from back then is within 300 s of the verifier's clock (seen in CI).
    // 310 s leaves room for the seconds between this line and the checks.
    const current = Math.floor(Date.now() / 1000);
    const old = current - 310;
    assert.throws(
      () => verifyWebhook({ body, header: `t=${old},v1=${sign(old)}`, secret: SECRET }),
      refused('stale_timestamp'),
    );
    const future = current + 310;
    assert.throws(
      () => verifyWebhook({ body, header: `t=${future},v1=${sign(future)}`, secret: SECRET }),
      refused('stale_timestamp'),
    );
    const item = verifyWebhook({
      body,
      header: `t=${old},v1=${sign(old)}`,
      secret: SECRET,
      toleranceSeconds: 600,
    });
    assert.equal(item.id, 'i1');
  });
});
