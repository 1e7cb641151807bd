import type { Item } from './item.entity';

export function toItemView(item: Item) {
  return {
    id: item.id,
    queue: item.queueSlug,
    externalId: item.externalId,
    model: { name: item.modelName, version: item.modelVersion },
    input: item.input ?? null,
    output: item.output,
    confidence: item.confidence,
    metadata: item.metadata,
    callbackUrl: item.callbackUrl,
    routing: item.routing,
    reasons: item.reasons,
    policyVersion: item.policyVersion,
    status: item.status,
    usable: item.usable,
    decidedBy: item.decidedBy,
    finalOutput: item.finalOutput ?? null,
    createdAt: item.createdAt,
    decidedAt: item.decidedAt,
    slaDueAt: item.slaDueAt,
    review: {
      state: item.reviewState,
      class: item.reviewClass,
      claimedBy: item.claimedBy,
      leaseExpiresAt: item.leaseExpiresAt,
    },
    assignedTo: activeAssignment(item),
  };
}

/**
 * The reservation that still holds: the item waits and assigned_until has not passed (after
 * that the claim statement ignores it, so the view does too).
 */
export function activeAssignment(
  item: Pick<Item, 'reviewState' | 'assignedTo' | 'assignedToName' | 'assignedUntil'>,
): { id: string; name: string | null; until: Date } | null {
  if (item.reviewState !== 'waiting' || !item.assignedTo || !item.assignedUntil) return null;
  if (new Date(item.assignedUntil).getTime() <= Date.now()) return null;
  return { id: item.assignedTo, name: item.assignedToName ?? null, until: item.assignedUntil };
}
export type ItemView = ReturnType<typeof toItemView>;
