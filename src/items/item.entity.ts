import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Reason, Route } from '../routing/policy.types';

export const ITEM_STATUSES = [
  'approved',
  'pending',
  'in_review',
  'escalated',
  'rejected',
  'corrected',
] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const FINAL_STATUSES: readonly ItemStatus[] = ['approved', 'rejected', 'corrected'];
export type DecidedBy = 'policy' | 'reviewer' | 'timeout';

/**
 * Why an item sits in a review queue; the order of REVIEW_CLASS_RANK is the order people
 * are handed work in (escalated first, then blocked, flagged, sampled and reported).
 */
export type ReviewClass = 'escalated' | 'blocked' | 'flagged' | 'sample' | 'report';
export const REVIEW_CLASS_RANK: Record<ReviewClass, number> = {
  escalated: 0,
  blocked: 1,
  flagged: 2,
  sample: 3,
  report: 3,
};

@Entity('items')
@Index('items_queue_external_id_key', ['queueId', 'externalId'], {
  unique: true,
  where: 'external_id IS NOT NULL',
})
@Index('items_queue_created_idx', ['queueId', 'createdAt', 'id'])
// The review line (waiting items in hand-out order) is the review_line table, kept by triggers on
// this one (migration 1796070000000): claims leave dead entries at the head of an index here.
// Sweeps that must stay cheap however many items wait: lapsed leases, overdue SLAs, and the
// "just released" marks a reviewer's next claim clears.
@Index('items_lease_expiry_idx', ['leaseExpiresAt'], { where: "review_state = 'claimed'" })
@Index('items_sla_due_idx', ['slaDueAt'], {
  where:
    "sla_due_at IS NOT NULL AND sla_fired_at IS NULL AND status IN ('pending', 'in_review', 'escalated')",
})
@Index('items_released_by_idx', ['queueId', 'releasedBy'], {
  where: "review_state = 'waiting' AND released_by IS NOT NULL",
})
// Half-SLA warnings (sla_at_risk notifications) still to send, found by the notifications sweep.
@Index('items_sla_warn_idx', ['slaWarnAt'], {
  where:
    "sla_warn_at IS NOT NULL AND sla_warned_at IS NULL AND status IN ('pending', 'in_review', 'escalated')",
})
// A reviewer's reservations: their claim looks here first, and "assigned to me" lists them.
@Index('items_assigned_idx', ['assignedTo', 'queueId', 'reviewRank', 'queuedAt', 'id'], {
  where: "review_state = 'waiting' AND assigned_to IS NOT NULL",
})
// Queue stats: decisions of the last day per queue (GET /v1/queues/:slug/stats, live queue.stats).
@Index('items_queue_decided_idx', ['queueId', 'decidedAt'], { where: 'decided_at IS NOT NULL' })
// Search across queues (GET /v1/items): an externalId lookup, newest-first pages, and the hot
// filters (model, status) each walk an index in (created_at, id) order instead of the table.
@Index('items_external_id_idx', ['externalId'], { where: 'external_id IS NOT NULL' })
@Index('items_created_idx', ['createdAt', 'id'])
@Index('items_model_created_idx', ['modelName', 'createdAt', 'id'])
@Index('items_status_created_idx', ['status', 'createdAt', 'id'])
// Full-text search over externalId, input, output and reasons lives in the item_search table,
// kept by triggers on this one (see item-search.ts and migration 1796060000000): an index here
// would be written again on every claim and decision.
export class Item {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId!: string;

  /** Slugs never change, so keeping it here spares a join on every read. */
  @Column({ name: 'queue_slug', type: 'text' })
  queueSlug!: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  /** Hash of the canonical submission body: a replay with another body is a conflict. */
  @Column({ name: 'body_hash', type: 'text' })
  bodyHash!: string;

  @Column({ name: 'model_name', type: 'text' })
  modelName!: string;

  @Column({ name: 'model_version', type: 'text', nullable: true })
  modelVersion!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  input!: unknown;

  @Column({ type: 'jsonb' })
  output!: unknown;

  @Column({ type: 'double precision' })
  confidence!: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  @Column({ name: 'callback_url', type: 'text', nullable: true })
  callbackUrl!: string | null;

  @Column({ type: 'text' })
  routing!: Route;

  @Column({ type: 'jsonb' })
  reasons!: Reason[];

  @Column({ name: 'policy_version', type: 'int' })
  policyVersion!: number;

  @Column({ type: 'text' })
  status!: ItemStatus;

  @Column({ type: 'boolean' })
  usable!: boolean;

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy!: DecidedBy | null;

  @Column({ name: 'final_output', type: 'jsonb', nullable: true })
  finalOutput!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'sla_due_at', type: 'timestamptz', nullable: true })
  slaDueAt!: Date | null;

  /** When the SLA timer was dealt with (acted on, or found moot), so sweeps never revisit it. */
  @Column({ name: 'sla_fired_at', type: 'timestamptz', nullable: true })
  slaFiredAt?: Date | null;

  /** Half of the SLA gone: when sla_at_risk notifications go out. */
  @Column({ name: 'sla_warn_at', type: 'timestamptz', nullable: true })
  slaWarnAt?: Date | null;

  /** When the half-SLA point was dealt with (notified, or nobody listening), so it fires once. */
  @Column({ name: 'sla_warned_at', type: 'timestamptz', nullable: true })
  slaWarnedAt?: Date | null;

  /**
   * A lead's reservation of a waiting item for one reviewer: only their claims take it until
   * assigned_until; after that it is everyone's again (checked in the claim itself, no timer).
   */
  @Column({ name: 'assigned_to', type: 'uuid', nullable: true })
  assignedTo?: string | null;

  /** The assignee's name when assigned, so item views need no join. */
  @Column({ name: 'assigned_to_name', type: 'text', nullable: true })
  assignedToName?: string | null;

  @Column({ name: 'assigned_until', type: 'timestamptz', nullable: true })
  assignedUntil?: Date | null;

  @Column({ name: 'assigned_by', type: 'uuid', nullable: true })
  assignedBy?: string | null;

  /** none: not in a review queue; waiting: claimable; claimed: someone holds the lease. */
  @Column({ name: 'review_state', type: 'text', default: 'none' })
  reviewState!: 'none' | 'waiting' | 'claimed';

  @Column({ name: 'review_class', type: 'text', nullable: true })
  reviewClass!: ReviewClass | null;

  @Column({ name: 'review_rank', type: 'smallint', nullable: true })
  reviewRank!: number | null;

  /** When the item (re)entered the review line; older first within a class. */
  @Column({ name: 'queued_at', type: 'timestamptz', nullable: true })
  queuedAt!: Date | null;

  @Column({ name: 'claimed_by', type: 'uuid', nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  @Column({ name: 'lease_token', type: 'text', nullable: true })
  leaseToken!: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt!: Date | null;

  /**
   * Everyone who has decided this item, kept on the row so a claim can skip items the claimer
   * already reviewed with a plain filter instead of a join per candidate.
   */
  @Column({ name: 'reviewed_by', type: 'uuid', array: true, default: () => "'{}'" })
  reviewedBy?: string[];

  /** The reviewer who last released the item, so their next claim skips it while others wait. */
  @Column({ name: 'released_by', type: 'uuid', nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * How many comments the item has (kept by CommentsService with each comment), so exports read
   * item_comments only for the few items that have any.
   */
  @Column({ name: 'comment_count', type: 'int', default: 0, select: false, insert: false })
  commentCount?: number;

  /**
   * The keyed head of the audit chain: an HMAC over the newest event's hash and the item's
   * status, usability and final output (see event-chain.ts). Null only for items written before
   * audit keying existed and not yet sealed.
   */
  @Column({ name: 'audit_head', type: 'text', nullable: true })
  auditHead?: string | null;

  /** How many leading events were hashed with plain SHA-256 (before audit keying); 0 for newer items. */
  @Column({ name: 'audit_legacy_seq', type: 'int', default: 0 })
  auditLegacySeq?: number;
}
