import { Injectable, NotFoundException } from '@nestjs/common';
import { requireUser } from '../auth/access';
import { invalid, type FieldProblem } from '../common/errors';
import type { Principal } from '../common/principal';
import { parseIsoDate, parseModel, type ModelFilter } from '../common/query-params';
import type { Queue } from '../queues/queue.entity';
import { QueuesService } from '../queues/queues.service';
import { itemScopeSql, type SqlParams } from '../common/sql';

export const ANALYTICS_ROLES = ['admin', 'lead', 'analyst'] as const;

export interface Scope {
  queue?: Queue;
  model?: ModelFilter;
}

/** Authorization and the queue/model/time filters every analytics view shares. */
@Injectable()
export class AnalyticsScope {
  constructor(private readonly queues: QueuesService) {}

  authorize(
    principal: Principal,
    roles: readonly ('admin' | 'lead' | 'analyst')[] = ANALYTICS_ROLES,
  ): void {
    requireUser(principal, ...roles);
  }

  async queue(slug: string | undefined): Promise<Queue | undefined> {
    if (slug === undefined || slug === '') return undefined;
    try {
      return await this.queues.findBySlug(slug);
    } catch (error) {
      if (error instanceof NotFoundException)
        throw new NotFoundException(`queue "${slug}" not found`);
      throw error;
    }
  }

  async resolve(query: { queue?: string; model?: string }): Promise<Scope> {
    return { queue: await this.queue(query.queue), model: parseModel(query.model) };
  }
}

/** Adds the queue and model filters on items aliased `i`. */
export function scopeSql(scope: Scope, params: SqlParams): SqlParams {
  return itemScopeSql(params, { queueId: scope.queue?.id, model: scope.model });
}

/** A `since` parameter as a Date (400 naming the field when malformed), or the fallback. */
export function sinceDate(
  value: string | undefined,
  fallback: Date | undefined,
  field = 'since',
): Date | undefined {
  const problems: FieldProblem[] = [];
  const iso = parseIsoDate(value, field, problems);
  if (problems.length) throw invalid(problems);
  return iso ? new Date(iso) : fallback;
}

export const DAY_MS = 24 * 3600 * 1000;

export function modelLabel(scope: Scope): string | null {
  if (!scope.model) return null;
  return scope.model.version === undefined
    ? scope.model.name
    : `${scope.model.name}@${scope.model.version}`;
}
