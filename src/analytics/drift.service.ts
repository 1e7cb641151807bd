import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { aggregateQuery } from './aggregate-query';
import type { Principal } from '../common/principal';
import { AnalyticsScope, modelLabel, scopeSql, Scope } from './analytics-scope';
import type { DriftQuery } from './analytics.dto';
import { SqlParams } from '../common/sql';
import { IS_HUMAN_VERDICT, IS_OVERRIDE } from './human-verdicts';
import { psi, psiLevel } from './stats';

const BINS = 10;

export interface OverrideDay {
  day: string;
  reviewed: number;
  overridden: number;
  rate: number;
}

export interface VersionDrift {
  queue: string | null;
  model: string;
  version: string | null;
  firstSeen: string;
  items: number;
  distribution: { lo: number; hi: number; count: number; share: number }[];
  previousVersion: string | null;
  psi: number | null;
  psiLevel: ReturnType<typeof psiLevel>;
  reviewed: number;
  overridden: number;
  overrideRate: number | null;
  overrideByDay: OverrideDay[];
}

/**
 * Drift per model version: its confidence distribution (10 equal bins) against the version of
 * the same model seen before it (population stability index), and the human override rate
 * (share of human verdicts that were reject or correct) per UTC day of the decision.
 * Versions are ordered by when their first item arrived.
 */
@Injectable()
export class DriftService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: AnalyticsScope,
  ) {}

  async drift(principal: Principal, query: DriftQuery) {
    this.scope.authorize(principal);
    const scope = await this.scope.resolve(query);
    const days = query.days ?? 30;
    return {
      queue: scope.queue?.slug ?? null,
      model: modelLabel(scope),
      days,
      versions: await this.compute(scope, days, false),
    };
  }

  /** byQueue: one series per queue (metrics); otherwise queues in scope are pooled. */
  async compute(scope: Scope, days: number, byQueue: boolean): Promise<VersionDrift[]> {
    const queueCol = byQueue ? 'i.queue_slug' : 'NULL::text';
    const dist = scopeSql(scope, new SqlParams());
    type Keyed = { queue: string | null; model: string; version: string | null };
    const over = scopeSql(scope, new SqlParams()).and(IS_HUMAN_VERDICT);
    over.and(`i.decided_at >= now() - make_interval(days => ${over.add(days)}::int)`);
    // Two independent passes; running them side by side halves the wait.
    const [distRows, overRows] = await Promise.all([
      aggregateQuery(
        this.dataSource,
        `SELECT ${queueCol} AS queue, i.model_name AS model, i.model_version AS version,
           LEAST(floor(i.confidence * ${BINS})::int, ${BINS - 1}) AS bin, count(*) AS n, min(i.created_at) AS first
         FROM items i ${dist.whereSql()} GROUP BY 1, 2, 3, 4`,
        dist.values,
      ) as Promise<(Keyed & { bin: number; n: string; first: Date })[]>,
      aggregateQuery(
        this.dataSource,
        `SELECT queue, model, version, day::text AS day, n, overridden FROM (
           SELECT ${queueCol} AS queue, i.model_name AS model, i.model_version AS version,
             (i.decided_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n,
             count(*) FILTER (WHERE ${IS_OVERRIDE}) AS overridden
           FROM items i ${over.whereSql()} GROUP BY 1, 2, 3, 4) per_day ORDER BY day`,
        over.values,
      ) as Promise<(Keyed & { day: string; n: string; overridden: string })[]>,
    ]);

    const key = (r: { queue: string | null; model: string; version: string | null }) =>
      JSON.stringify([r.queue, r.model, r.version]);
    const versions = new Map<string, VersionDrift & { counts: number[]; first: Date }>();
    for (const r of distRows) {
      let v = versions.get(key(r));
      if (!v) {
        v = {
          queue: r.queue,
          model: r.model,
          version: r.version,
          firstSeen: '',
          items: 0,
          distribution: [],
          previousVersion: null,
          psi: null,
          psiLevel: null,
          reviewed: 0,
          overridden: 0,
          overrideRate: null,
          overrideByDay: [],
          counts: new Array<number>(BINS).fill(0),
          first: new Date(r.first),
        };
        versions.set(key(r), v);
      }
      v.counts[Number(r.bin)] += Number(r.n);
      if (new Date(r.first) < v.first) v.first = new Date(r.first);
    }
    for (const r of overRows) {
      const v = versions.get(key(r));
      if (!v) continue;
      const reviewed = Number(r.n);
      const overridden = Number(r.overridden);
      v.overrideByDay.push({ day: r.day, reviewed, overridden, rate: overridden / reviewed });
      v.reviewed += reviewed;
      v.overridden += overridden;
    }

    const ordered = [...versions.values()].sort((a, b) => a.first.getTime() - b.first.getTime());
    const previous = new Map<string, VersionDrift & { counts: number[] }>();
    return ordered.map((v) => {
      const lineage = JSON.stringify([v.queue, v.model]);
      const before = previous.get(lineage);
      previous.set(lineage, v);
      const items = v.counts.reduce((s, x) => s + x, 0);
      const value = before ? psi(before.counts, v.counts) : null;
      return {
        queue: v.queue,
        model: v.model,
        version: v.version,
        firstSeen: v.first.toISOString(),
        items,
        distribution: v.counts.map((count, b) => ({
          lo: b / BINS,
          hi: (b + 1) / BINS,
          count,
          share: items ? count / items : 0,
        })),
        previousVersion: before ? before.version : null,
        psi: value,
        psiLevel: psiLevel(value),
        reviewed: v.reviewed,
        overridden: v.overridden,
        overrideRate: v.reviewed > 0 ? v.overridden / v.reviewed : null,
        overrideByDay: v.overrideByDay,
      };
    });
  }
}
