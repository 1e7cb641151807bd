import type { FieldProblem } from '../api/client';

/** The server's names for fields, as the form labels them. */
const NAMES: [RegExp, string][] = [
  [/\bpolicy\.autoApproveAt\b|\bautoApproveAt\b/g, 'Auto-approve at'],
  [/\bpolicy\.blockBelow\b|\bblockBelow\b/g, 'Block below'],
  [/\bpolicy\.auditSampleRate\b|\bauditSampleRate\b/g, 'Audit sample rate'],
  [/\bpolicy\.rules\[(\d+)\]\.(\w+)/g, 'rule $1: $2'],
  [/\bpolicy\.rules\[(\d+)\]/g, 'rule $1'],
  [/\bpolicy\.rules\b/g, 'Rules'],
  [/\bleaseSeconds\b/g, 'Lease'],
  [/\bsla\.blockedSeconds\b/g, 'Blocked SLA'],
  [/\bsla\.flaggedSeconds\b/g, 'Flagged SLA'],
  [/\bsla\.onBlockedTimeout\b/g, 'Blocked timeout action'],
  [/\brequiredReviews\b/g, 'Required reviews'],
  [/\boutputSchema\b/g, 'Output schema'],
  [/\bwebhookUrl\b/g, 'Webhook URL'],
  [/\bquestions\[(\d+)\]\.(\w+)/g, 'question $1: $2'],
];

/** A server message in plain words: field names as the form shows them, rules counted from 1. */
export function plainWords(message: string): string {
  let out = message.replace(/\[(\d+)\]/g, (_, n: string) => `[${Number(n) + 1}]`);
  for (const [pattern, name] of NAMES) out = out.replace(pattern, name);
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/**
 * Server problems as @mantine/form errors: `route` maps a server field (policy.rules[0].when,
 * sla.blockedSeconds, questions[2].options) to the form path that shows it.
 */
export function formErrors(
  fields: FieldProblem[],
  route: (field: string) => string | null,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const path = route(f.field);
    if (!path) continue;
    const text = plainWords(f.message);
    errors[path] = errors[path] ? `${errors[path]} ${text}` : text;
  }
  return errors;
}
