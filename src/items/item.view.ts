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
  };
}
export type ItemView = ReturnType<typeof toItemView>;
