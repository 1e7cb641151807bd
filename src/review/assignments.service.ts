import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { canReview, requireUser } from '../auth/access';
import { User } from '../auth/user.entity';
import { invalidField } from '../common/errors';
import { DomainEvents } from '../common/domain-events';
import { actorOf, type Principal, type UserPrincipal } from '../common/principal';
import { Item } from '../items/item.entity';
import { toItemView } from '../items/item.view';
import { QueuesService } from '../queues/queues.service';
import { ItemTransitionsService } from './item-transitions.service';

/** How long a reservation holds, in leases: long enough to finish the item in hand first. */
export const ASSIGNMENT_LEASES = 4;
const MAX_BULK = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Leads reserve a waiting item for one reviewer. The reservation is three columns on the item
 * (assigned_to, assigned_until, assigned_by) that the claim statement reads: the assignee's
 * claim takes it first, anyone else's skips it, and once assigned_until passes it is everyone's
 * again without any timer. Every change is in the item's audit trail and published as the
 * domain event `item.assigned` (live updates send it to the queue's room).
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly transitions: ItemTransitionsService,
    private readonly queues: QueuesService,
    private readonly events: DomainEvents,
  ) {}

  async assign(principal: Principal, id: string, body: unknown) {
    const lead = requireUser(principal, 'admin', 'lead');
    const userId = (body as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string' || !UUID.test(userId))
      throw invalidField('userId', 'userId must be the id (uuid) of a user');
    const manager = this.transitions.dataSource.manager;
    const item = await manager.findOne(Item, { where: { id } });
    if (!item) throw new NotFoundException('item not found');
    const user = await manager.findOne(User, { where: { id: userId } });
    if (!user || user.disabledAt) throw invalidField('userId', 'userId names no active user');
    const assignee: UserPrincipal = {
      kind: 'user',
      id: user.id,
      email: user.email,
      name: user.name,
      roles: user.roles,
      queues: user.queues,
    };
    if (!canReview(assignee, item.queueSlug))
      throw invalidField('userId', `${user.name} cannot review queue "${item.queueSlug}"`);
    const queue = await this.queues.findBySlug(item.queueSlug);
    const applied = await this.transitions.apply(id, (locked) => {
      if (locked.reviewState !== 'waiting')
        throw new ConflictException(
          locked.reviewState === 'claimed'
            ? 'item is being reviewed right now; only waiting items can be assigned'
            : `item is not waiting for review (${locked.status})`,
        );
      if (locked.reviewRank === 0 && !assignee.roles.some((r) => r === 'admin' || r === 'lead'))
        throw invalidField('userId', 'escalated items can only be assigned to a lead or admin');
      if ((locked.reviewedBy ?? []).includes(user.id))
        throw invalidField('userId', `${user.name} has already reviewed this item`);
      const until = new Date(
        locked.dbNow.getTime() + queue.leaseSeconds * ASSIGNMENT_LEASES * 1000,
      );
      return {
        changes: {
          assignedTo: user.id,
          assignedToName: user.name,
          assignedUntil: until,
          assignedBy: lead.id,
        },
        events: [
          {
            type: 'assigned',
            actor: actorOf(principal),
            details: {
              to: `user:${user.id}`,
              until,
              ...(locked.assignedTo && locked.assignedTo !== user.id
                ? { replaces: `user:${locked.assignedTo}` }
                : {}),
            },
          },
        ],
        change: 'requeued',
        actor: actorOf(principal),
        // Not a change of the item's state: published as item.assigned below, not item.queued.
        quiet: true,
      };
    });
    if (!applied) throw new NotFoundException('item not found');
    await this.events.emit('item.assigned', {
      id,
      queue: item.queueSlug,
      status: applied.item.status,
      routing: applied.item.routing,
      assignedTo: { id: user.id, name: user.name },
      assignedUntil: applied.item.assignedUntil ?? null,
      actor: actorOf(principal),
    });
    return toItemView(applied.item);
  }

  /**
   * Bulk assignment from an items list: each item is assigned (or refused) on its own, in input
   * order, like batch submission; one refusal never undoes the others.
   */
  async assignMany(principal: Principal, body: unknown) {
    requireUser(principal, 'admin', 'lead');
    const { itemIds, userId } = (body ?? {}) as { itemIds?: unknown; userId?: unknown };
    if (
      !Array.isArray(itemIds) ||
      itemIds.length === 0 ||
      itemIds.length > MAX_BULK ||
      !itemIds.every((id) => typeof id === 'string' && UUID.test(id))
    )
      throw invalidField('itemIds', `itemIds must list 1 to ${MAX_BULK} item ids`);
    if (typeof userId !== 'string' || !UUID.test(userId))
      throw invalidField('userId', 'userId must be the id (uuid) of a user');
    const results: (
      | { id: string; item: ReturnType<typeof toItemView> }
      | { id: string; error: { statusCode: number; message: string } }
    )[] = [];
    for (const id of new Set(itemIds as string[])) {
      try {
        results.push({ id, item: await this.assign(principal, id, { userId }) });
      } catch (error) {
        const e = error as { getStatus?: () => number; message: string };
        const statusCode = e.getStatus?.() ?? 500;
        if (statusCode >= 500) throw error;
        results.push({ id, error: { statusCode, message: e.message } });
      }
    }
    return { results };
  }

  /** Removes the reservation; idempotent (204 either way), audited only when there was one. */
  async unassign(principal: Principal, id: string): Promise<void> {
    requireUser(principal, 'admin', 'lead');
    let slug = '';
    const applied = await this.transitions.apply(id, (locked) => {
      slug = locked.queueSlug;
      if (!locked.assignedTo) return null;
      return {
        changes: { assignedTo: null, assignedToName: null, assignedUntil: null, assignedBy: null },
        events: [
          {
            type: 'unassigned',
            actor: actorOf(principal),
            details: {
              from: `user:${locked.assignedTo}`,
              ...(locked.assignedUntil && locked.assignedUntil <= locked.dbNow
                ? { lapsedAt: locked.assignedUntil }
                : {}),
            },
          },
        ],
        change: 'requeued',
        actor: actorOf(principal),
        quiet: true,
      };
    });
    if (!slug) throw new NotFoundException('item not found');
    if (applied)
      await this.events.emit('item.assigned', {
        id,
        queue: slug,
        status: applied.item.status,
        routing: applied.item.routing,
        assignedTo: null,
        assignedUntil: null,
        actor: actorOf(principal),
      });
  }
}
