import stringify from 'safe-stable-stringify';
import type { ItemChange, PreviousItemState } from './item-domain-events';
import type { Answers } from '../queues/questions';
import type { BlockedTimeoutAction, QueueSla, Reason } from '../routing/policy.types';
import type { RoutingDecision } from '../routing/routing';
import type { Review, ReviewAction } from './review.entity';
import type { ItemEventType } from './item-event.entity';
import {
  FINAL_STATUSES,
  Item,
  type ItemStatus,
  REVIEW_CLASS_RANK,
  type ReviewClass,
} from './item.entity';

/**
 * The item status machine: every change of an item's state (submission, claim, release, lease
 * lapse, decision and consensus, escalation, report, SLA timeout, assignment) is decided here,
 * as a pure function of the item's facts. Each returns the row changes and the audit events to
 * append, or a typed refusal, or nothing to do. No I/O and no framework: the item store
 * (item-store.ts) writes what these return, under the item's row lock, and the services map
 * refusals to HTTP errors. Authorization (who may review or read a queue) stays with the
 * services; what the item's state allows is decided here.
 */

/** An audit event to append; `at` defaults to the database's clock at the change. */
export interface NewItemEvent {
  type: ItemEventType;
  actor: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** An item as read under its row lock, with the database's clock (Postgres time throughout). */
export type ItemFacts = Item & { dbNow: Date };

/** What one state change does to a locked item. */
export interface StateChange {
  changes: Partial<Item>;
  events: NewItemEvent[];
  change: ItemChange;
  actor: string;
  /** The review a decision stores with the change. */
  review?: Partial<Review>;
  /** Bookkeeping nobody outside needs to hear about (no announcement after the commit). */
  quiet?: boolean;
}

/** Why the item's state does not allow the change (mapped to 409, 403 or 400 by the caller). */
export type Refusal =
  | { refused: 'conflict' | 'forbidden'; message: string }
  | { refused: 'invalid'; field: string; message: string };

/** A timer that fired before its deadline (by the database's clock): try again in `ms`. */
export interface NotYet {
  notYetMs: number;
}

export function isRefusal(outcome: unknown): outcome is Refusal {
  return typeof outcome === 'object' && outcome !== null && 'refused' in outcome;
}

const conflict = (message: string): Refusal => ({ refused: 'conflict', message });
const forbidden = (message: string): Refusal => ({ refused: 'forbidden', message });
const invalid = (field: string, message: string): Refusal => ({
  refused: 'invalid',
  field,
  message,
});

/** Canonical JSON: key order never makes two equal outputs look different. */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'undefined';
}

export function isFinal(item: Pick<Item, 'status'>): boolean {
  return FINAL_STATUSES.includes(item.status);
}

/** Statuses whose SLA timers (timeout and half-time warning) are still running. */
export const SLA_OPEN_STATUSES: readonly ItemStatus[] = ['pending', 'in_review', 'escalated'];

/** How long a reservation holds, in leases: long enough to finish the item in hand first. */
export const ASSIGNMENT_LEASES = 4;

/** Fields that end any lease: nobody holds the item afterwards. */
const NO_LEASE = {
  claimedBy: null,
  claimedAt: null,
  leaseToken: null,
  leaseExpiresAt: null,
} satisfies Partial<Item>;

/** The item as a final decision leaves it (out of the review line). */
function finalChanges(
  item: Item,
  action: 'approve' | 'reject' | 'correct',
  corrected: unknown,
  now: Date,
  decidedBy: 'reviewer' | 'timeout',
): Partial<Item> {
  const leave: Partial<Item> = { ...NO_LEASE, reviewState: 'none', releasedBy: null };
  if (action === 'approve') {
    // Confirming an already-final item (an audit sample, a report) keeps its verdict and output.
    if (isFinal(item)) return leave;
    return {
      ...leave,
      status: 'approved',
      usable: true,
      finalOutput: item.output,
      decidedBy,
      decidedAt: now,
    };
  }
  if (action === 'reject')
    return {
      ...leave,
      status: 'rejected',
      usable: false,
      finalOutput: null,
      decidedBy,
      decidedAt: now,
    };
  return {
    ...leave,
    status: 'corrected',
    usable: true,
    finalOutput: corrected,
    decidedBy,
    decidedAt: now,
  };
}

/**
 * Escalated: first in line, for leads and admins only. A final item (a sampled or reported
 * approval) keeps its verdict and usability until someone actually changes it.
 */
function escalationChanges(item: Item, now: Date): Partial<Item> {
  return {
    ...NO_LEASE,
    status: isFinal(item) ? item.status : 'escalated',
    reviewState: 'waiting',
    reviewClass: 'escalated',
    reviewRank: REVIEW_CLASS_RANK.escalated,
    queuedAt: now,
    releasedBy: null,
  };
}

/** Back in line, same place (queued_at unchanged), for the next person. */
function requeueChanges(item: Item, releasedBy: string | null): Partial<Item> {
  return {
    ...NO_LEASE,
    reviewState: 'waiting',
    status: item.status === 'in_review' ? 'pending' : item.status,
    releasedBy,
  };
}

// ---- submitted ---------------------------------------------------------------------------

/** What a submission says about the item, before routing decides its state. */
export type Submission = Pick<
  Item,
  | 'id'
  | 'queueId'
  | 'queueSlug'
  | 'externalId'
  | 'bodyHash'
  | 'modelName'
  | 'modelVersion'
  | 'input'
  | 'output'
  | 'confidence'
  | 'metadata'
  | 'callbackUrl'
  | 'policyVersion'
>;

/**
 * A new item as routing leaves it: approved by policy (a sampled one also waits for an audit
 * review), or pending in the review line as blocked or flagged with its SLA deadlines; and its
 * first audit events (submitted, routed, and queued when it enters the line).
 */
export function submitted(
  submission: Submission,
  decision: RoutingDecision,
  sla: Pick<QueueSla, 'blockedSeconds' | 'flaggedSeconds'>,
  actor: string,
  now: Date,
): { item: Item; events: NewItemEvent[] } {
  const approved = decision.routing === 'approve';
  const reviewClass: ReviewClass | null = approved
    ? decision.sampled
      ? 'sample'
      : null
    : decision.routing === 'block'
      ? 'blocked'
      : 'flagged';
  const slaSeconds =
    decision.routing === 'block'
      ? sla.blockedSeconds
      : decision.routing === 'flag'
        ? sla.flaggedSeconds
        : null;
  // Built field by field, in column order, as the Item class (listeners get the same shape).
  const item = Object.assign(new Item(), {
    id: submission.id,
    queueId: submission.queueId,
    queueSlug: submission.queueSlug,
    externalId: submission.externalId,
    bodyHash: submission.bodyHash,
    modelName: submission.modelName,
    modelVersion: submission.modelVersion,
    input: submission.input,
    output: submission.output,
    confidence: submission.confidence,
    metadata: submission.metadata,
    callbackUrl: submission.callbackUrl,
    routing: decision.routing,
    reasons: decision.reasons,
    policyVersion: submission.policyVersion,
    status: approved ? 'approved' : 'pending',
    usable: decision.routing !== 'block',
    decidedBy: approved ? 'policy' : null,
    finalOutput: approved ? submission.output : null,
    createdAt: now,
    decidedAt: approved ? now : null,
    slaDueAt: slaSeconds ? new Date(now.getTime() + slaSeconds * 1000) : null,
    // Half the SLA gone: the moment sla_at_risk notifications speak up.
    slaWarnAt: slaSeconds ? new Date(now.getTime() + slaSeconds * 500) : null,
    reviewState: reviewClass ? 'waiting' : 'none',
    reviewClass,
    reviewRank: reviewClass ? REVIEW_CLASS_RANK[reviewClass] : null,
    queuedAt: reviewClass ? now : null,
    claimedBy: null,
    claimedAt: null,
    leaseToken: null,
    leaseExpiresAt: null,
    releasedBy: null,
    updatedAt: now,
  } satisfies Item);
  // One event says all that happened at submission: who sent it, how the policy routed it and
  // which review class it waits in (null: not queued). Items stored by earlier versions carry
  // this as three events (submitted, routed, queued); one event per item is a third of the
  // chain's rows and HMACs on the hottest path.
  const events: NewItemEvent[] = [
    {
      type: 'submitted',
      actor,
      details: {
        externalId: item.externalId,
        routing: item.routing,
        reasons: item.reasons,
        policyVersion: item.policyVersion,
        reviewClass,
      },
      at: now,
    },
  ];
  return { item, events };
}

// ---- claimed, released, lease lapsed -----------------------------------------------------

/**
 * A claim: the claim statement (ItemStore.claimNext) picks and leases the item in one
 * statement, because choosing among waiting items must happen in Postgres; its SET clause is
 * this transition's row change (review_state claimed, lease fields, status pending becomes
 * in_review, any reservation settled). Given the claimed row, this is the audit event and the
 * state the item was in before: a claim only ever takes a waiting item, and only a pending one
 * becomes in_review.
 */
export function claimed(
  item: Item,
  actor: string,
  assigned: boolean,
): { events: NewItemEvent[]; previous: PreviousItemState } {
  return {
    events: [
      {
        type: 'claimed',
        actor,
        details: {
          reviewClass: item.reviewClass,
          leaseExpiresAt: item.leaseExpiresAt,
          ...(assigned ? { assigned: true } : {}),
        },
        at: item.claimedAt ?? undefined,
      },
    ],
    previous: {
      reviewState: 'waiting',
      reviewRank: item.reviewRank,
      status: item.status === 'in_review' ? 'pending' : item.status,
    },
  };
}

/** Null when `userId` holds a live lease on the item; otherwise why not (409). */
export function holderRefusal(item: ItemFacts, userId: string): Refusal | null {
  if (item.reviewState === 'none' && isFinal(item))
    return conflict(`item is already decided (${item.status})`);
  if (item.reviewState !== 'claimed' || item.claimedBy !== userId)
    return conflict('you do not hold the lease on this item (claim it first)');
  if (!item.leaseExpiresAt || item.leaseExpiresAt.getTime() <= item.dbNow.getTime())
    return conflict(`your lease on this item expired at ${item.leaseExpiresAt?.toISOString()}`);
  return null;
}

/** The holder hands the item back: same place in line, skipped by their next claim. */
export function released(item: ItemFacts, userId: string, actor: string): StateChange | Refusal {
  const refusal = holderRefusal(item, userId);
  if (refusal) return refusal;
  return {
    changes: requeueChanges(item, userId),
    events: [
      {
        type: 'released',
        actor,
        details: { reviewClass: item.reviewClass, why: 'released by the holder' },
      },
    ],
    change: 'released',
    actor,
  };
}

/**
 * A lease that ran out goes back to the line. With a token, only that lease: a stale timer for
 * an earlier claim does nothing (null). A timer early by the database's clock is told to wait.
 */
export function leaseLapsed(item: ItemFacts, token?: string): StateChange | NotYet | null {
  if (item.reviewState !== 'claimed' || (token !== undefined && item.leaseToken !== token))
    return null;
  const left = (item.leaseExpiresAt?.getTime() ?? 0) - item.dbNow.getTime();
  if (left > 0) return { notYetMs: left };
  return {
    changes: requeueChanges(item, null),
    events: [
      {
        type: 'lease_expired',
        actor: 'system',
        details: {
          holder: `user:${item.claimedBy}`,
          expiredAt: item.leaseExpiresAt,
          why: 'the lease was not extended in time',
        },
      },
    ],
    change: 'lease_expired',
    actor: 'system',
  };
}

// ---- decided (with consensus) and escalated ----------------------------------------------

/** A reviewer's decision, its body already checked and cleaned (see review/decision-body.ts). */
export interface Decision {
  reviewerId: string;
  actor: string;
  /** Leads and admins settle escalations. */
  lead: boolean;
  action: ReviewAction;
  labels: string[];
  reason: string | null;
  comment: string | null;
  correctedOutput?: unknown;
  answers: Answers | null;
}

export interface Vote {
  action: ReviewAction;
  correctedOutput: unknown;
}

/** Two reviewers agree when they chose the same action and, for corrections, the same output. */
export function agree(a: Vote, b: Vote): boolean {
  if (a.action !== b.action) return false;
  return (
    a.action !== 'correct' || canonicalJson(a.correctedOutput) === canonicalJson(b.correctedOutput)
  );
}

/** What the item's state says against this decision: lease first (409), then escalation rules. */
export function decisionRefusal(item: ItemFacts, decision: Decision): Refusal | null {
  const notHolder = holderRefusal(item, decision.reviewerId);
  if (notHolder) return notHolder;
  const escalated = item.reviewClass === 'escalated';
  if (escalated && decision.action === 'escalate')
    return invalid('action', 'the item is already escalated: approve, reject or correct it');
  // Only leads and admins are handed escalations; a role change since the claim must not let a reviewer settle one.
  if (escalated && !decision.lead) return forbidden('only leads and admins decide escalated items');
  return null;
}

/**
 * Whether the decision is settled by consensus and so needs this round's earlier votes (reviews
 * since the item (re)entered the line) before `decided` can say what happens.
 */
export function needsRoundVotes(
  item: Item,
  action: ReviewAction,
  requiredReviews: number,
): boolean {
  return item.reviewClass !== 'escalated' && action !== 'escalate' && requiredReviews > 1;
}

/**
 * The holder's decision: escalate (to a lead), or approve / reject / correct, final when one
 * review is required, a lead settles an escalation, or enough reviewers agreed; back in line
 * while agreeing reviews are missing; escalated when reviewers disagree. `earlier` are this
 * round's earlier votes (only read when needsRoundVotes says so).
 */
export function decided(
  item: ItemFacts,
  decision: Decision,
  requiredReviews: number,
  earlier: Vote[] = [],
): StateChange | Refusal {
  const refusal = decisionRefusal(item, decision);
  if (refusal) return refusal;
  const { actor } = decision;
  const now = item.dbNow;
  const corrected = decision.action === 'correct' ? decision.correctedOutput : null;
  const review: Partial<Review> = {
    itemId: item.id,
    queueId: item.queueId,
    reviewerId: decision.reviewerId,
    action: decision.action,
    labels: decision.labels,
    reason: decision.reason,
    comment: decision.comment,
    correctedOutput: corrected,
    answers: decision.answers,
    reviewClass: item.reviewClass,
    claimedAt: item.claimedAt!,
    decidedAt: now,
    reviewSeconds: Math.max(0, (now.getTime() - item.claimedAt!.getTime()) / 1000),
  };
  const details = {
    action: decision.action,
    labels: review.labels,
    reason: review.reason,
    comment: review.comment,
    ...(decision.answers ? { answers: decision.answers } : {}),
    reviewClass: item.reviewClass,
  };
  const decidedEvent = { type: 'decided' as const, actor, details };

  if (decision.action === 'escalate') {
    return {
      review,
      changes: escalationChanges(item, now),
      events: [
        { type: 'escalated', actor, details: { ...details, why: 'the reviewer asked for a lead' } },
      ],
      change: 'escalated',
      actor,
    };
  }
  const action = decision.action;
  const final = (why: string): StateChange => {
    const changes = finalChanges(item, action, corrected, now, 'reviewer');
    return {
      review,
      changes,
      events: [
        {
          ...decidedEvent,
          details: { ...details, final: true, status: changes.status ?? item.status, why },
        },
      ],
      change: 'decided',
      actor,
    };
  };
  // A lead's or admin's decision on an escalation settles it, whatever requiredReviews says.
  if (item.reviewClass === 'escalated') return final('a lead decided the escalated item');
  if (requiredReviews <= 1) return final('one review required');

  const mine: Vote = { action, correctedOutput: corrected };
  const votes = [...earlier, mine];
  if (!votes.every((v) => agree(v, mine))) {
    return {
      review,
      changes: escalationChanges(item, now),
      events: [
        { ...decidedEvent, details: { ...details, final: false } },
        {
          type: 'escalated',
          actor: 'system',
          details: { why: 'reviewers disagreed', votes: votes.map((v) => v.action) },
        },
      ],
      change: 'escalated',
      actor,
    };
  }
  if (votes.length >= requiredReviews)
    return final(`${votes.length} of ${requiredReviews} required reviewers agreed`);
  return {
    review,
    changes: requeueChanges(item, null),
    events: [
      {
        ...decidedEvent,
        details: {
          ...details,
          final: false,
          why: `waiting for ${requiredReviews - votes.length} more agreeing review(s)`,
          votes: votes.length,
        },
      },
    ],
    change: 'requeued',
    actor,
  };
}

// ---- reported ----------------------------------------------------------------------------

/**
 * Someone says an output was wrong. A final item goes back to review as a report, keeping its
 * verdict and `usable` until a reviewer rejects it; an item already in review just gains the
 * reason. A rejected item is already withheld, so the report is recorded without queueing it.
 */
export function reported(
  item: ItemFacts,
  report: { message: string; labels: string[] },
  actor: string,
): StateChange {
  const { message, labels } = report;
  const reason: Reason & { labels?: string[] } = {
    kind: 'report',
    message,
    ...(labels.length ? { labels } : {}),
  };
  const requeue = item.reviewState === 'none' && item.status !== 'rejected';
  const changes: Partial<Item> = { reasons: [...item.reasons, reason] };
  if (requeue) {
    Object.assign(changes, {
      reviewState: 'waiting',
      reviewClass: 'report',
      reviewRank: REVIEW_CLASS_RANK.report,
      queuedAt: item.dbNow,
      releasedBy: null,
    } satisfies Partial<Item>);
  }
  const why = requeue
    ? 'back in review'
    : item.reviewState === 'none'
      ? 'already rejected: recorded only'
      : 'already in review: reason added';
  return {
    changes,
    events: [{ type: 'reported', actor, details: { reason: message, labels, why } }],
    change: 'reported',
    actor,
  };
}

// ---- SLA ---------------------------------------------------------------------------------

/** Whether the item's SLA timeout is due now: null when it has none or it was dealt with. */
export function slaDue(item: ItemFacts): true | NotYet | null {
  if (!item.slaDueAt || item.slaFiredAt) return null;
  const left = item.slaDueAt.getTime() - item.dbNow.getTime();
  return left > 0 ? { notYetMs: left } : true;
}

/**
 * The SLA ran out (call when slaDue says so): a blocked item is decided by the queue's
 * onBlockedTimeout, a flagged one escalated. If someone holds the item the timeout wins and the
 * event names whose lease it voided. A final item, or an escalated one the timeout would only
 * escalate again, is just marked as dealt with (quiet).
 */
export function slaExpired(item: ItemFacts, onBlockedTimeout: BlockedTimeoutAction): StateChange {
  const action = item.routing === 'block' ? onBlockedTimeout : 'escalate';
  const now = item.dbNow;
  const settled = { slaFiredAt: now };
  const moot = isFinal(item) || (action === 'escalate' && item.status === 'escalated');
  if (moot)
    return { changes: settled, events: [], change: 'timed_out', actor: 'timeout', quiet: true };
  const details = {
    action,
    slaDueAt: item.slaDueAt,
    routing: item.routing,
    ...(item.reviewState === 'claimed' ? { voidedLeaseOf: `user:${item.claimedBy}` } : {}),
    why:
      item.routing === 'block'
        ? 'blocked item undecided when its SLA ran out'
        : 'flagged item unreviewed when its SLA ran out',
  };
  const changes =
    action === 'escalate'
      ? escalationChanges(item, now)
      : finalChanges(item, action, null, now, 'timeout');
  return {
    changes: { ...changes, ...settled },
    events: [
      {
        type: 'timed_out',
        actor: 'timeout',
        details: { ...details, status: changes.status ?? item.status },
      },
    ],
    change: 'timed_out',
    actor: 'timeout',
  };
}

// ---- assigned / unassigned ---------------------------------------------------------------

export interface Assignee {
  id: string;
  name: string;
  /** Leads and admins may be handed escalations. */
  lead: boolean;
}

/**
 * A lead reserves a waiting item for one reviewer for ASSIGNMENT_LEASES leases. Not a change of
 * the item's state for the review line: quiet (told live as item.assigned by the caller).
 */
export function assigned(
  item: ItemFacts,
  assignee: Assignee,
  by: { id: string; actor: string },
  leaseSeconds: number,
): StateChange | Refusal {
  if (item.reviewState !== 'waiting')
    return conflict(
      item.reviewState === 'claimed'
        ? 'item is being reviewed right now; only waiting items can be assigned'
        : `item is not waiting for review (${item.status})`,
    );
  if (item.reviewRank === 0 && !assignee.lead)
    return invalid('userId', 'escalated items can only be assigned to a lead or admin');
  if ((item.reviewedBy ?? []).includes(assignee.id))
    return invalid('userId', `${assignee.name} has already reviewed this item`);
  const until = new Date(item.dbNow.getTime() + leaseSeconds * ASSIGNMENT_LEASES * 1000);
  return {
    changes: {
      assignedTo: assignee.id,
      assignedToName: assignee.name,
      assignedUntil: until,
      assignedBy: by.id,
    },
    events: [
      {
        type: 'assigned',
        actor: by.actor,
        details: {
          to: `user:${assignee.id}`,
          until,
          ...(item.assignedTo && item.assignedTo !== assignee.id
            ? { replaces: `user:${item.assignedTo}` }
            : {}),
        },
      },
    ],
    change: 'requeued',
    actor: by.actor,
    quiet: true,
  };
}

/** Removes the reservation; null when there is none (nothing to audit). */
export function unassigned(item: ItemFacts, actor: string): StateChange | null {
  if (!item.assignedTo) return null;
  return {
    changes: { assignedTo: null, assignedToName: null, assignedUntil: null, assignedBy: null },
    events: [
      {
        type: 'unassigned',
        actor,
        details: {
          from: `user:${item.assignedTo}`,
          ...(item.assignedUntil && item.assignedUntil <= item.dbNow
            ? { lapsedAt: item.assignedUntil }
            : {}),
        },
      },
    ],
    change: 'requeued',
    actor,
    quiet: true,
  };
}
