/** Shapes of the Verdict API as the web app uses them (see CONTRACT.md). */
export type Role = 'admin' | 'lead' | 'reviewer' | 'analyst';

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  queues: string[];
  disabled?: boolean;
  createdAt?: string;
}

export interface LoginResponse {
  accessToken: string;
  expiresIn?: number;
  user: User;
}

export type Route = 'approve' | 'flag' | 'block';

export interface PolicyRule {
  name: string;
  when: unknown;
  route: Route;
}

export interface Policy {
  autoApproveAt: number;
  blockBelow: number;
  auditSampleRate: number;
  rules: PolicyRule[];
}

export interface QueueSla {
  blockedSeconds: number | null;
  onBlockedTimeout: 'reject' | 'approve' | 'escalate';
  flaggedSeconds: number | null;
}

export interface Queue {
  id: string;
  slug: string;
  name: string;
  policy: Policy;
  policyVersion: number;
  outputSchema: object | boolean | null;
  labels: string[];
  requiredReviews: number;
  leaseSeconds: number;
  sla: QueueSla;
  webhookUrl: string | null;
  webhookSecret?: string;
}

export interface QueueStats {
  pending: number;
  inReview: number;
  escalated: number;
  oldestPendingSeconds: number | null;
  decidedLast24h?: number;
  autoApproveRate?: number | null;
  medianReviewSeconds?: number | null;
  slaBreaches?: number;
  /** Not in the contract; shown when the server provides it. */
  pendingByRouting?: Partial<Record<Route, number>>;
  /** Set by the app: when these numbers were current (ms since epoch). */
  receivedAt?: number;
  /** Set by the app: when the last queue.stats socket event updated the counts. */
  liveAt?: number;
}

export type ItemStatus =
  'approved' | 'pending' | 'in_review' | 'escalated' | 'rejected' | 'corrected';

export interface Reason {
  kind: 'threshold' | 'rule' | 'schema' | 'sample' | 'report' | string;
  message: string;
  rule?: string;
  route?: Route;
}

export interface ReviewRecord {
  action: string;
  labels?: string[];
  reason?: string | null;
  comment?: string | null;
  reviewer?: string;
  decidedAt?: string;
}

export interface Item {
  id: string;
  queue: string;
  externalId: string | null;
  model: { name: string; version: string | null };
  input: unknown;
  output: unknown;
  confidence: number;
  metadata: Record<string, unknown> | null;
  routing: Route;
  reasons: Reason[];
  policyVersion: number;
  status: ItemStatus;
  usable: boolean;
  decidedBy: string | null;
  finalOutput: unknown;
  createdAt: string;
  decidedAt: string | null;
  slaDueAt: string | null;
  review?: {
    state?: string;
    class?: string | null;
    claimedBy?: string | null;
    leaseExpiresAt?: string | null;
  };
  reviews?: ReviewRecord[];
}

export interface Claim {
  item: Item;
  lease: { expiresAt: string };
}

export type DecisionAction = 'approve' | 'reject' | 'correct' | 'escalate';

export interface Decision {
  action: DecisionAction;
  correctedOutput?: unknown;
  labels?: string[];
  reason?: string;
  comment?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  keyPrefix: string;
  queues: string[];
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  key?: string;
}

/** Socket.IO events on the /live namespace. */
export interface ItemEvent {
  id: string;
  queue: string;
  status: ItemStatus;
  routing: Route;
  [extra: string]: unknown;
}

export interface QueueStatsEvent {
  queue: string;
  pending: number;
  inReview: number;
  escalated: number;
  oldestPendingSeconds: number | null;
}
