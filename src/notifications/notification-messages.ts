import type { Reason } from '../routing/policy.types';
import type { NotifyKind } from '../queues/notification-rules';

/**
 * Renders one grouped notification as a Slack Block Kit payload and as a multipart email.
 * Pure code: what is said is decided here, where it goes elsewhere. The item's output (and a
 * comment's text) appear only when the setting has includeContent; mentions carry the comment
 * that names the person, since that is the message.
 */
export interface MessageItem {
  id: string;
  routing: string;
  status: string;
  reasons: Reason[];
  createdAt: Date;
  slaDueAt: Date | null;
  output: unknown;
  /** For comment and mention entries. */
  comment?: { author: string; body: string };
}

export interface MessageInput {
  queue: { slug: string; name: string };
  kind: NotifyKind | 'test';
  /** The queue setting that sent it (`notifications[0]`), or null for mentions. */
  setting: string | null;
  settingEvents: string[];
  channel: 'slack' | 'email';
  includeContent: boolean;
  items: MessageItem[];
  publicUrl: string;
  now: Date;
  /** For mentions: who wrote the comment. */
  mentionedBy?: string;
}

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const MAX_LISTED = 10;
const MAX_CONTENT = 1500;

const EVENT_LABEL: Record<NotifyKind | 'test', string> = {
  blocked: 'blocked',
  escalated: 'escalated',
  sla_at_risk: 'SLA at risk',
  sla_breached: 'SLA breached',
  comment: 'comment',
  mention: 'mention',
  test: 'test',
};

export function ageText(from: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** "12 items blocked in Support replies, oldest 4 min". */
export function summaryOf(input: MessageInput): string {
  const n = input.items.length;
  const q = input.queue.name;
  const oldest = input.items.reduce<Date | null>(
    (min, i) => (min === null || i.createdAt < min ? i.createdAt : min),
    null,
  );
  const age = oldest && n > 0 ? `, oldest ${ageText(oldest, input.now)}` : '';
  switch (input.kind) {
    case 'blocked':
      return `${n} ${plural(n, 'item', 'items')} blocked in ${q}${age}`;
    case 'escalated':
      return `${n} ${plural(n, 'item', 'items')} escalated in ${q}${age}`;
    case 'sla_at_risk':
      return `${n} ${plural(n, 'item has', 'items have')} used half the SLA in ${q}${age}`;
    case 'sla_breached':
      return `${n} ${plural(n, 'item', 'items')} ran out of SLA in ${q}${age}`;
    case 'comment':
      return `${n} new ${plural(n, 'comment', 'comments')} in ${q}`;
    case 'mention':
      return `${input.mentionedBy ?? 'Someone'} mentioned you in ${q}`;
    case 'test':
      return `Test message from Verdict for ${q}`;
  }
}

export const itemLink = (publicUrl: string, id: string) => `${publicUrl}/items/${id}`;
export const settingsLink = (publicUrl: string, slug: string) => `${publicUrl}/settings/${slug}`;

function reasonsText(item: MessageItem): string {
  return item.reasons.length
    ? item.reasons.map((r) => `${r.kind}: ${r.message}`).join('; ')
    : 'no reasons recorded';
}

function contentText(input: MessageInput, item: MessageItem): string | null {
  if (!input.includeContent) return null;
  const text = typeof item.output === 'string' ? item.output : JSON.stringify(item.output, null, 2);
  return text.length > MAX_CONTENT ? `${text.slice(0, MAX_CONTENT)}…` : text;
}

function commentText(input: MessageInput, item: MessageItem): string | null {
  if (!item.comment) return null;
  if (!input.includeContent && input.kind !== 'mention') return `${item.comment.author} commented`;
  const body =
    item.comment.body.length > MAX_CONTENT
      ? `${item.comment.body.slice(0, MAX_CONTENT)}…`
      : item.comment.body;
  return `${item.comment.author}: ${body}`;
}

function footerText(input: MessageInput): string {
  if (input.kind === 'mention')
    return `You were mentioned with @ in a comment on an item of queue "${input.queue.name}" (${input.queue.slug}).`;
  return (
    `Sent by the queue setting ${input.setting} of "${input.queue.name}" (${input.queue.slug}), ` +
    `on: ${input.settingEvents.join(', ')}. Change or remove it at ${settingsLink(input.publicUrl, input.queue.slug)}`
  );
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Block Kit: header, per item a section with queue/routing/age/event fields and the reasons, a button. */
export function slackMessage(input: MessageInput): Record<string, unknown> {
  const summary = summaryOf(input);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(summary, 150), emoji: false } },
  ];
  if (input.kind === 'test')
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: escapeMrkdwn(
          `This is a test of ${input.setting}. Real messages name the queue, the event, each item's routing, reasons and age, and link to the item.`,
        ),
      },
    });
  for (const item of input.items.slice(0, MAX_LISTED)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Reasons*\n${escapeMrkdwn(reasonsText(item))}`, 3000) },
      fields: [
        { type: 'mrkdwn', text: `*Queue*\n${escapeMrkdwn(input.queue.name)}` },
        { type: 'mrkdwn', text: `*Event*\n${EVENT_LABEL[input.kind]}` },
        { type: 'mrkdwn', text: `*Routing*\n${item.routing}` },
        { type: 'mrkdwn', text: `*Age*\n${ageText(item.createdAt, input.now)}` },
      ],
    });
    const comment = commentText(input, item);
    if (comment)
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: clip(escapeMrkdwn(comment), 3000) },
      });
    const content = contentText(input, item);
    if (content)
      blocks.push({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: clip(`*Output*\n\`\`\`${escapeMrkdwn(content)}\`\`\``, 3000),
        },
      });
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open item' },
          url: itemLink(input.publicUrl, item.id),
          action_id: `open-${item.id}`,
        },
      ],
    });
  }
  const more = input.items.length - MAX_LISTED;
  const context = [...(more > 0 ? [`…and ${more} more`] : []), footerText(input)];
  blocks.push({
    type: 'context',
    elements: context.map((text) => ({ type: 'mrkdwn', text: escapeMrkdwn(text) })),
  });
  return { text: summary, blocks };
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Multipart text + HTML with a clear subject and a footer naming the setting that sent it. */
export function emailMessage(input: MessageInput): EmailMessage {
  const summary = summaryOf(input);
  const text: string[] = [summary, ''];
  const html: string[] = [`<h2 style="font-family:sans-serif">${escapeHtml(summary)}</h2>`];
  if (input.kind === 'test') {
    const note = `This is a test of ${input.setting}. Real messages name the queue, the event, each item's routing, reasons and age, and link to the item.`;
    text.push(note, '');
    html.push(`<p>${escapeHtml(note)}</p>`);
  }
  for (const item of input.items.slice(0, MAX_LISTED)) {
    const link = itemLink(input.publicUrl, item.id);
    const lines = [
      `Queue: ${input.queue.name}`,
      `Event: ${EVENT_LABEL[input.kind]}`,
      `Routing: ${item.routing}`,
      `Age: ${ageText(item.createdAt, input.now)}`,
      `Reasons: ${reasonsText(item)}`,
    ];
    const comment = commentText(input, item);
    if (comment) lines.push(`Comment: ${comment}`);
    const content = contentText(input, item);
    text.push(...lines);
    if (content) text.push('Output:', content);
    text.push(`Open: ${link}`, '');
    html.push(
      '<table style="font-family:sans-serif;border-collapse:collapse;margin:12px 0">',
      ...lines.map((line) => {
        const [label, ...rest] = line.split(': ');
        return `<tr><th style="text-align:left;padding:2px 8px">${escapeHtml(label)}</th><td style="padding:2px 8px">${escapeHtml(rest.join(': '))}</td></tr>`;
      }),
      '</table>',
    );
    if (content) html.push(`<pre>${escapeHtml(content)}</pre>`);
    html.push(`<p><a href="${escapeHtml(link)}">Open the item</a></p>`);
  }
  const more = input.items.length - MAX_LISTED;
  if (more > 0) {
    text.push(`…and ${more} more.`, '');
    html.push(`<p>…and ${more} more.</p>`);
  }
  const footer = footerText(input);
  text.push('--', footer);
  html.push(
    `<hr><p style="font-family:sans-serif;color:#666;font-size:12px">${escapeHtml(footer)}</p>`,
  );
  return {
    subject: `[Verdict] ${summary}`,
    text: text.join('\n'),
    html: html.join('\n'),
    headers:
      input.kind === 'mention'
        ? {}
        : { 'List-Unsubscribe': `<${settingsLink(input.publicUrl, input.queue.slug)}>` },
  };
}
