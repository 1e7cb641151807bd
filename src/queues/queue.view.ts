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
