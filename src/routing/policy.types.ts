export type Route = 'approve' | 'flag' | 'block';
export const ROUTES: readonly Route[] = ['approve', 'flag', 'block'];
export const ROUTE_STRICTNESS: Record<Route, number> = { approve: 0, flag: 1, block: 2 };

export interface PolicyRule {
  name: string;
  /** A JSON Logic expression over {confidence, model, input, output, metadata}. */
  when: unknown;
  route: Route;
}

export interface Policy {
  autoApproveAt: number;
  blockBelow: number;
  auditSampleRate: number;
  rules: PolicyRule[];
}

export type BlockedTimeoutAction = 'reject' | 'approve' | 'escalate';

export interface QueueSla {
  blockedSeconds: number | null;
  onBlockedTimeout: BlockedTimeoutAction;
  flaggedSeconds: number | null;
}

export type ReasonKind = 'threshold' | 'rule' | 'schema' | 'sample' | 'report';

export interface Reason {
  kind: ReasonKind;
  message: string;
  rule?: string;
  route?: Route;
}
