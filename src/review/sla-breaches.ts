import type { EntityManager } from 'typeorm';
import type { Queue } from '../queues/queue.entity';

/**
 * What else must commit with an SLA timeout that changes an item. Notifications provide it:
 * their sla_breached entries commit with the timeout itself, so a crash cannot lose the promise
 * to tell people. The app module hands the providing module to ReviewModule.register, so review,
 * which sits below notifications, never imports them.
 */
export abstract class SlaBreaches {
  /** Runs inside the timeout's transaction; the function it returns runs after the commit. */
  abstract recordBreach(
    queue: Pick<Queue, 'id' | 'notifications'>,
    itemId: string,
    manager: EntityManager,
  ): Promise<() => Promise<void>>;
}
