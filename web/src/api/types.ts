/**
 * Shapes of the Verdict API as the web app uses them: aliases of the types generated from the
 * server's OpenAPI document (openapi.json → sdk/src/generated/openapi.ts, `npm run openapi`), so
 * the app cannot drift from the server. Only app-side additions and Socket.IO events (not HTTP,
 * see src/live/live.events.ts) are written here.
 */
import type { components } from '../../../sdk/src/generated/openapi';

type Schemas = components['schemas'];

export type User = Schemas['UserView'];
export type Role = User['roles'][number];
export type LoginResponse = Schemas['LoginResponse'];

export type Policy = Schemas['PolicyView'];
export type PolicyRule = Schemas['PolicyRuleDto'];
export type Route = PolicyRule['route'];
export type QueueSla = Schemas['SlaView'];
/** A queue; webhookSecret only in the answer that created it. */
export type Queue = Schemas['QueueView'] & { webhookSecret?: string };

type QueueStatsDto = Schemas['QueueStatsDto'];
/**
 * A queue's stats as the app caches them: the four live counts always (a queue.stats socket
 * event may arrive before the first GET), the rest once GET /v1/queues/:slug/stats answered.
 */
export type QueueStats = Pick<QueueStatsDto, 'pending' | 'inReview' | 'escalated'> &
  Partial<Omit<QueueStatsDto, 'oldestPendingSeconds'>> & {
    /** null until known. */
    oldestPendingSeconds: number | null;
    /** Set by the app: when these numbers were current (ms since epoch). */
    receivedAt?: number;
    /** Set by the app: when the last queue.stats socket event updated the counts. */
    liveAt?: number;
  };

export type Reason = Schemas['ReasonDto'];
export type ReviewRecord = Schemas['ReviewDto'];
/** An item; reviews come with item reads, claims and decisions, not with lists or submissions. */
export type Item = Schemas['ItemDto'] & { reviews?: ReviewRecord[] };
export type ItemStatus = Item['status'];
export type Claim = Schemas['ClaimDto'];
export type Decision = Schemas['DecisionDto'];
export type DecisionAction = Decision['action'];

/** An API key; the key itself only in the answer that created it. */
export type ApiKey = Schemas['ApiKeyView'] & { key?: string };

/** Every error answer. */
export type ApiErrorBody = Schemas['Error'];

/** Socket.IO events on the /live namespace. */
export interface ItemEvent {
  id: string;
  queue: string;
  status: ItemStatus;
  routing: Route;
  [extra: string]: unknown;
}

export type QueueStatsEvent = Pick<
  QueueStatsDto,
  'pending' | 'inReview' | 'escalated' | 'oldestPendingSeconds'
> & { queue: string };

/** One entry of a queue's notifications: these events, to Slack and/or email. */
export type NotificationRule = Schemas['NotificationRuleDto'];
export type NotifyEvent = NotificationRule['on'][number];
export type NotificationDelivery = Schemas['NotificationDeliveryDto'];

/** One rubric question of a queue (CONTRACT "Queues (v1.1)"). */
export type Question = Schemas['QuestionDto'];
export type QuestionType = Question['type'];

/** A decision's answers to the queue's questions, by question key. */
export type Answers = NonNullable<Decision['answers']>;
