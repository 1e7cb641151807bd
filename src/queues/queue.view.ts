import type { Queue } from './queue.entity';

export function toQueueView(queue: Queue) {
  return {
    id: queue.id,
    slug: queue.slug,
    name: queue.name,
    policy: queue.policy,
    policyVersion: queue.policyVersion,
    outputSchema: queue.outputSchema,
    labels: queue.labels,
    requiredReviews: queue.requiredReviews,
    leaseSeconds: queue.leaseSeconds,
    sla: queue.sla,
    guidelines: queue.guidelines,
    questions: queue.questions,
    webhookUrl: queue.webhookUrl,
    notifications: queue.notifications ?? [],
    createdAt: queue.createdAt,
    updatedAt: queue.updatedAt,
  };
}
export type QueueView = ReturnType<typeof toQueueView>;

/**
 * What a product's API key sees of a queue: enough to submit well (labels for reports, the output
 * schema) but no routing internals (policy, rules, SLA) and no webhookUrl, which would tell a
 * write-only key where decisions are sent.
 */
export function toQueueViewForKey(queue: Queue) {
  return {
    id: queue.id,
    slug: queue.slug,
    name: queue.name,
    policyVersion: queue.policyVersion,
    outputSchema: queue.outputSchema,
    labels: queue.labels,
    createdAt: queue.createdAt,
    updatedAt: queue.updatedAt,
  };
}
