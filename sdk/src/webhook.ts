import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors';
import type { Item } from './types';

export interface VerifyWebhookInput {
  /** the raw request body exactly as received (string or bytes), never a re-serialised object */
  body: string | Uint8Array;
  /** the `Verdict-Signature` header */
  header: string | string[] | null | undefined;
  /** the queue's webhook secret (shown once, as `webhookSecret`, when the queue was created) */
  secret: string;
  /** how old (or how far in the future) a delivery may be, in seconds (default 300) */
  toleranceSeconds?: number;
  /** the current time in ms, for tests (default Date.now()) */
  now?: number;
}

/**
 * Checks a webhook delivery's `Verdict-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * and returns the item it carries. Throws `WebhookVerificationError` for a missing or malformed
 * header, a bad signature or a timestamp outside the tolerance (a replay).
 */
export function verifyWebhook(input: VerifyWebhookInput): Item {
  const { secret, toleranceSeconds = 300 } = input;
  const header = Array.isArray(input.header) ? input.header[0] : input.header;
  if (!header) throw new WebhookVerificationError('missing_header', 'no Verdict-Signature header');
  if (typeof input.body !== 'string' && !(input.body instanceof Uint8Array)) {
    throw new WebhookVerificationError(
      'bad_body',
      'body must be the raw request body (string or Buffer), not a parsed object',
    );
  }
  let t: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) t = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (t === undefined || signatures.length === 0) {
    throw new WebhookVerificationError('malformed_header', 'Verdict-Signature is malformed');
  }
  const now = (input.now ?? Date.now()) / 1000;
  if (Math.abs(now - t) > toleranceSeconds) {
    throw new WebhookVerificationError(
      'stale_timestamp',
      `the delivery's timestamp is more than ${toleranceSeconds}s from now`,
    );
  }
  const raw = typeof input.body === 'string' ? Buffer.from(input.body) : Buffer.from(input.body);
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  if (!signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected))) {
    throw new WebhookVerificationError('bad_signature', 'the signature does not match the body');
  }
  try {
    return JSON.parse(raw.toString('utf8')) as Item;
  } catch {
    throw new WebhookVerificationError('bad_body', 'the signed body is not JSON');
  }
}
