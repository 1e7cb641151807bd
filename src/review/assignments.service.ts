import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { canReview, isLead, requireUser } from '../auth/access';
import { User } from '../auth/user.entity';
import { invalidField } from '../common/errors';
import { DomainEvents } from '../common/domain-events';
import { actorOf, type Principal, userPrincipal } from '../common/principal';
import { ItemStore } from '../items/item-store';
import { assigned, unassigned } from '../items/item-state';
import { toItemView } from '../items/item.view';
import { QueuesService } from '../queues/queues.service';
import { orRefuse } from './review-access';

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
    private readonly store: ItemStore,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly queues: QueuesService,
    private readonly events: DomainEvents,
  ) {}

  async assign(principal: Principal, id: string, body: unknown) {
    const lead = requireUser(principal, 'admin', 'lead');
    const userId = (body as { userId?: unknown } | null)?.userId;
    if (typeof userId !== 'string' || !UUID.test(userId))
      throw invalidField('userId', 'userId must be the id (uuid) of a user');
    const item = await this.store.findById(id);
    if (!item) throw new NotFoundException('item not found');
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user || user.disabledAt) throw invalidField('userId', 'userId names no active user');
    const assignee = userPrincipal(user);
    if (!canReview(assignee, item.queueSlug))
      throw invalidField('userId', `${user.name} cannot review queue "${item.queueSlug}"`);
    const queue = await this.queues.findBySlug(item.queueSlug);
    const applied = await this.store.apply(id, (locked) =>
      orRefuse(
        assigned(
          locked,
          { id: user.id, name: user.name, lead: isLead(assignee) },
          { id: lead.id, actor: actorOf(principal) },
          queue.leaseSeconds,
        ),
      ),
    );
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
    const applied = await this.store.apply(id, (locked) => {
      slug = locked.queueSlug;
      return unassigned(locked, actorOf(principal));
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
