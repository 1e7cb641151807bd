import { checkJsonLogic } from './json-logic';
import { BlockedTimeoutAction, Policy, QueueSla, ROUTES } from './policy.types';

/** One problem with a submitted policy, named by its field path. */
export interface PolicyProblem {
  field: string;
  message: string;
}

function isProbability(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

/** Validates a whole policy; every problem is reported, not just the first. */
export function validatePolicy(
  raw: unknown,
  field = 'policy',
): { policy?: Policy; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { problems: [{ field, message: `${field} must be an object` }] };
  }
  const p = raw as Record<string, unknown>;
  const known = new Set(['autoApproveAt', 'blockBelow', 'auditSampleRate', 'rules']);
  for (const key of Object.keys(p)) {
    if (!known.has(key))
      problems.push({ field: `${field}.${key}`, message: `${field}.${key} is not a policy field` });
  }
  const autoApproveAt = p.autoApproveAt ?? 0.9;
  const blockBelow = p.blockBelow ?? 0.5;
  const auditSampleRate = p.auditSampleRate ?? 0;
  for (const [name, value] of [
    ['autoApproveAt', autoApproveAt],
    ['blockBelow', blockBelow],
    ['auditSampleRate', auditSampleRate],
  ] as const) {
    if (!isProbability(value))
      problems.push({
        field: `${field}.${name}`,
        message: `${field}.${name} must be a number between 0 and 1`,
      });
  }
  if (isProbability(autoApproveAt) && isProbability(blockBelow) && blockBelow > autoApproveAt) {
    problems.push({
      field: `${field}.blockBelow`,
      message: `${field}.blockBelow must not be greater than autoApproveAt`,
    });
  }
  const rules = p.rules ?? [];
  const cleanRules: Policy['rules'] = [];
  if (!Array.isArray(rules)) {
    problems.push({ field: `${field}.rules`, message: `${field}.rules must be an array` });
  } else {
    if (rules.length > 200)
      problems.push({
        field: `${field}.rules`,
        message: `${field}.rules may hold at most 200 rules`,
      });
    const names = new Set<string>();
    rules.forEach((rule: unknown, i) => {
      const at = `${field}.rules[${i}]`;
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
        problems.push({ field: at, message: `${at} must be an object with name, when and route` });
        return;
      }
      const r = rule as Record<string, unknown>;
      if (typeof r.name !== 'string' || r.name.trim() === '' || r.name.length > 200) {
        problems.push({
          field: `${at}.name`,
          message: `${at}.name must be a non-empty string of at most 200 characters`,
        });
      } else if (names.has(r.name)) {
        problems.push({
          field: `${at}.name`,
          message: `${at}.name "${r.name}" is used by another rule`,
        });
      } else {
        names.add(r.name);
      }
      if (typeof r.route !== 'string' || !ROUTES.includes(r.route as never)) {
        problems.push({
          field: `${at}.route`,
          message: `${at}.route must be one of ${ROUTES.join(', ')}`,
        });
      }
      if (r.when === undefined || r.when === null || typeof r.when !== 'object') {
        problems.push({
          field: `${at}.when`,
          message: `${at}.when must be a JSON Logic expression`,
        });
      } else {
        const problem = checkJsonLogic(r.when, `${at}.when`);
        if (problem) problems.push({ field: `${at}.when`, message: problem });
      }
      for (const key of Object.keys(r)) {
        if (!['name', 'when', 'route'].includes(key))
          problems.push({ field: `${at}.${key}`, message: `${at}.${key} is not a rule field` });
      }
      cleanRules.push({
        name: r.name as string,
        when: r.when,
        route: r.route as Policy['rules'][number]['route'],
      });
    });
  }
  if (problems.length > 0) return { problems };
  return {
    policy: {
      autoApproveAt: autoApproveAt as number,
      blockBelow: blockBelow as number,
      auditSampleRate: auditSampleRate as number,
      rules: cleanRules,
    },
    problems,
  };
}

const TIMEOUT_ACTIONS: BlockedTimeoutAction[] = ['reject', 'approve', 'escalate'];
const MAX_SLA_SECONDS = 365 * 24 * 3600;

export function validateSla(
  raw: unknown,
  field = 'sla',
): { sla?: QueueSla; problems: PolicyProblem[] } {
  if (raw === undefined || raw === null) {
    return {
      sla: { blockedSeconds: null, onBlockedTimeout: 'reject', flaggedSeconds: null },
      problems: [],
    };
  }
  if (typeof raw !== 'object' || Array.isArray(raw))
    return { problems: [{ field, message: `${field} must be an object` }] };
  const s = raw as Record<string, unknown>;
  const problems: PolicyProblem[] = [];
  for (const key of Object.keys(s)) {
    if (!['blockedSeconds', 'onBlockedTimeout', 'flaggedSeconds'].includes(key)) {
      problems.push({ field: `${field}.${key}`, message: `${field}.${key} is not an sla field` });
    }
  }
  for (const name of ['blockedSeconds', 'flaggedSeconds'] as const) {
    const value = s[name];
    if (value === undefined || value === null) continue;
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 1 ||
      value > MAX_SLA_SECONDS
    ) {
      problems.push({
        field: `${field}.${name}`,
        message: `${field}.${name} must be a whole number of seconds from 1 to ${MAX_SLA_SECONDS}, or null`,
      });
    }
  }
  const action = s.onBlockedTimeout ?? 'reject';
  if (!TIMEOUT_ACTIONS.includes(action as BlockedTimeoutAction)) {
    problems.push({
      field: `${field}.onBlockedTimeout`,
      message: `${field}.onBlockedTimeout must be one of ${TIMEOUT_ACTIONS.join(', ')}`,
    });
  }
  if (problems.length > 0) return { problems };
  return {
    sla: {
      blockedSeconds: (s.blockedSeconds as number | undefined) ?? null,
      onBlockedTimeout: action as BlockedTimeoutAction,
      flaggedSeconds: (s.flaggedSeconds as number | undefined) ?? null,
    },
    problems,
  };
}
