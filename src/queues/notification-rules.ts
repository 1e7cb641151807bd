import type { FieldProblem } from '../common/errors';

/** What a queue can tell people about. */
export const NOTIFY_EVENTS = [
  'blocked',
  'escalated',
  'sla_at_risk',
  'sla_breached',
  'comment',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
/** Kinds of message: the queue events, plus `mention` (an @name in a comment, to that user). */
export type NotifyKind = NotifyEvent | 'mention';
export type NotifyChannel = 'slack' | 'email';

/** One entry of a queue's `notifications`: these events, to these places. */
export interface NotificationRule {
  on: NotifyEvent[];
  slack?: { webhookUrl: string };
  email?: { to: string[] };
  /** Put the item's output (and comment text) into the message; off by default, so nothing leaks. */
  includeContent?: boolean;
}

export const MAX_RULES = 20;
export const MAX_EMAIL_RECIPIENTS = 20;
/** Deliberately plain: nodemailer does the real parsing; this catches typos at save. */
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$|^[^\s@<>(),;:"]+@localhost$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a queue's `notifications` value and returns it normalised (only known keys kept).
 * Problems name the exact field, e.g. `notifications[0].on[1]`.
 */
export function validateNotifications(value: unknown): {
  rules?: NotificationRule[];
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const at = (field: string, message: string) =>
    problems.push({ field, message: `${field} ${message}` });
  if (!Array.isArray(value)) {
    at('notifications', 'must be an array');
    return { problems };
  }
  if (value.length > MAX_RULES) at('notifications', `must have at most ${MAX_RULES} entries`);
  const rules: NotificationRule[] = [];
  value.forEach((raw, i) => {
    const path = `notifications[${i}]`;
    if (!isObject(raw)) return at(path, 'must be an object');
    const rule: NotificationRule = { on: [] };
    if (!Array.isArray(raw.on) || raw.on.length === 0)
      at(`${path}.on`, `must be a non-empty array of ${NOTIFY_EVENTS.join(', ')}`);
    else
      raw.on.forEach((event, j) => {
        if (!NOTIFY_EVENTS.includes(event as NotifyEvent))
          at(`${path}.on[${j}]`, `must be one of ${NOTIFY_EVENTS.join(', ')}`);
        else if (rule.on.includes(event as NotifyEvent)) at(`${path}.on[${j}]`, 'is listed twice');
        else rule.on.push(event as NotifyEvent);
      });
    if (raw.slack !== undefined && raw.slack !== null) {
      const url = isObject(raw.slack) ? raw.slack.webhookUrl : undefined;
      if (!isObject(raw.slack)) at(`${path}.slack`, 'must be an object with webhookUrl');
      else if (typeof url !== 'string' || !isHttpUrl(url) || url.length > 2000)
        at(`${path}.slack.webhookUrl`, 'must be an http or https URL (at most 2000 characters)');
      else rule.slack = { webhookUrl: url };
    }
    if (raw.email !== undefined && raw.email !== null) {
      const to = isObject(raw.email) ? raw.email.to : undefined;
      if (!isObject(raw.email)) at(`${path}.email`, 'must be an object with to');
      else if (!Array.isArray(to) || to.length === 0 || to.length > MAX_EMAIL_RECIPIENTS)
        at(`${path}.email.to`, `must list 1 to ${MAX_EMAIL_RECIPIENTS} email addresses`);
      else {
        const seen = new Set<string>();
        to.forEach((address, j) => {
          if (typeof address !== 'string' || address.length > 254 || !EMAIL.test(address.trim()))
            at(`${path}.email.to[${j}]`, 'must be an email address');
          else seen.add(address.trim());
        });
        rule.email = { to: [...seen] };
      }
    }
    if (raw.slack == null && raw.email == null)
      at(path, 'needs a channel: slack.webhookUrl or email.to');
    if (raw.includeContent !== undefined) {
      if (typeof raw.includeContent !== 'boolean')
        at(`${path}.includeContent`, 'must be true or false');
      else rule.includeContent = raw.includeContent;
    }
    rules.push(rule);
  });
  return problems.length ? { problems } : { rules, problems };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Rules of a queue listening to `event` on `channel`, with their index (the setting's name). */
export function rulesFor(
  rules: NotificationRule[] | null | undefined,
  event: NotifyEvent,
): { rule: NotificationRule; index: number; channel: NotifyChannel }[] {
  const out: { rule: NotificationRule; index: number; channel: NotifyChannel }[] = [];
  (rules ?? []).forEach((rule, index) => {
    if (!rule.on.includes(event)) return;
    if (rule.slack) out.push({ rule, index, channel: 'slack' });
    if (rule.email) out.push({ rule, index, channel: 'email' });
  });
  return out;
}
