import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { aggregateQuery } from './aggregate-query';
import { invalid } from '../common/errors';
import type { Principal } from '../common/principal';
import { AnalyticsScope, DAY_MS, sinceDate } from './analytics-scope';
import type { RecommendationQuery, SimulateDto } from './analytics.dto';
import { IS_HUMAN_VERDICT, IS_OVERRIDE } from './human-verdicts';
import { wilsonUpper } from './stats';

const DEFAULT_WINDOW_DAYS = 30;
/** Candidate thresholds for a recommendation: 0.00, 0.01, …, 1.00. */
const STEPS = 100;
export const ERROR_BOUND_METHOD = 'wilson-score-95';

/**
 * The grid step k of a confidence c: the largest k with c >= k/100, compared in the same double
 * arithmetic as `confidence >= autoApproveAt` (0.29 * 100 is 28.999…, so a bare floor is off by one).
 */
const K = `floor(i.confidence * ${STEPS})`;
const STEP_OF_CONFIDENCE = `(${K} + CASE WHEN i.confidence >= (${K} + 1) / ${STEPS}::float8 THEN 1
    WHEN i.confidence < ${K} / ${STEPS}::float8 THEN -1 ELSE 0 END)::int`;

/**
 * What-if for a queue's thresholds over its recent items. Thresholds only: rules and the output
 * schema are not replayed (they can only make routing stricter, so `approve` is an upper bound
 * of what the full policy would auto-approve).
 *
 * The error among would-be auto-approved items is estimated from items people decided whose
 * confidence is at or above autoApproveAt: an error is a human reject or correct. The bound is
 * the upper end of the 95% Wilson score interval (z = 1.96).
 */
@Injectable()
export class PolicySimulationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: AnalyticsScope,
  ) {}

  private window(since: string | undefined): Date {
    return sinceDate(since, new Date(Date.now() - DEFAULT_WINDOW_DAYS * DAY_MS))!;
  }

  async simulate(principal: Principal, slug: string, dto: SimulateDto) {
    this.scope.authorize(principal);
    const queue = (await this.scope.queue(slug))!;
    if (dto.blockBelow > dto.autoApproveAt) {
      throw invalid([
        { field: 'blockBelow', message: 'blockBelow must not be greater than autoApproveAt' },
      ]);
    }
    const since = this.window(dto.since);
    const [row]: {
      items: string;
      approve: string;
      block: string;
      reviewed: string;
      errors: string;
    }[] = await aggregateQuery(
      this.dataSource,
      `SELECT count(*) AS items,
         count(*) FILTER (WHERE i.confidence >= $3) AS approve,
         count(*) FILTER (WHERE i.confidence < $4) AS block,
         count(*) FILTER (WHERE i.confidence >= $3 AND ${IS_HUMAN_VERDICT}) AS reviewed,
         count(*) FILTER (WHERE i.confidence >= $3 AND ${IS_HUMAN_VERDICT} AND ${IS_OVERRIDE}) AS errors
       FROM items i
       WHERE i.queue_id = $1 AND i.created_at >= $2`,
      [queue.id, since, dto.autoApproveAt, dto.blockBelow],
    );
    const items = Number(row.items);
    const approve = Number(row.approve);
    const block = Number(row.block);
    const reviewed = Number(row.reviewed);
    const errors = Number(row.errors);
    return {
      queue: queue.slug,
      autoApproveAt: dto.autoApproveAt,
      blockBelow: dto.blockBelow,
      since,
      items,
      approve,
      flag: items - approve - block,
      block,
      reviewed,
      errors,
      estimatedAutoApproveErrorRate: reviewed > 0 ? errors / reviewed : null,
      errorRateUpperBound: wilsonUpper(errors, reviewed),
      method: ERROR_BOUND_METHOD,
      current: {
        autoApproveAt: queue.policy.autoApproveAt,
        blockBelow: queue.policy.blockBelow,
        policyVersion: queue.policyVersion,
      },
      replayed:
        'thresholds only; rules and outputSchema are not replayed and can only make routing stricter',
    };
  }

  /**
   * The lowest autoApproveAt on a 0.01 grid whose 95% upper error bound is below maxErrorRate.
   * One grouped pass over the queue's items: per grid step, how many items, human verdicts and
   * errors; the figures for a threshold are suffix sums.
   */
  async recommend(principal: Principal, slug: string, query: RecommendationQuery) {
    this.scope.authorize(principal);
    const queue = (await this.scope.queue(slug))!;
    const maxErrorRate = query.maxErrorRate ?? 0.02;
    const since = this.window(query.since);
    const rows: { step: number; items: string; reviewed: string; errors: string }[] =
      await aggregateQuery(
        this.dataSource,
        `SELECT ${STEP_OF_CONFIDENCE} AS step, count(*) AS items,
         count(*) FILTER (WHERE ${IS_HUMAN_VERDICT}) AS reviewed,
         count(*) FILTER (WHERE ${IS_HUMAN_VERDICT} AND ${IS_OVERRIDE}) AS errors
       FROM items i
       WHERE i.queue_id = $1 AND i.created_at >= $2
       GROUP BY 1`,
        [queue.id, since],
      );
    const items = new Array<number>(STEPS + 2).fill(0);
    const reviewed = new Array<number>(STEPS + 2).fill(0);
    const errors = new Array<number>(STEPS + 2).fill(0);
    for (const r of rows) {
      items[r.step] = Number(r.items);
      reviewed[r.step] = Number(r.reviewed);
      errors[r.step] = Number(r.errors);
    }
    for (let k = STEPS - 1; k >= 0; k -= 1) {
      items[k] += items[k + 1];
      reviewed[k] += reviewed[k + 1];
      errors[k] += errors[k + 1];
    }
    const evidenceAt = (k: number) => ({
      autoApproveAt: k / STEPS,
      reviewed: reviewed[k],
      errors: errors[k],
      estimatedErrorRate: reviewed[k] > 0 ? errors[k] / reviewed[k] : null,
      errorRateUpperBound: wilsonUpper(errors[k], reviewed[k]),
      autoApproveShare: items[0] > 0 ? items[k] / items[0] : null,
      wouldAutoApprove: items[k],
    });
    let chosen: number | null = null;
    for (let k = 0; k <= STEPS; k += 1) {
      const bound = wilsonUpper(errors[k], reviewed[k]);
      if (bound !== null && bound < maxErrorRate) {
        chosen = k;
        break;
      }
    }
    const current = queue.policy.autoApproveAt;
    const currentStep = Math.min(STEPS, Math.ceil(current * STEPS - 1e-9));
    const base = {
      queue: queue.slug,
      maxErrorRate,
      since,
      items: items[0],
      reviewedTotal: reviewed[0],
      currentAutoApproveAt: current,
      currentBlockBelow: queue.policy.blockBelow,
      current: evidenceAt(currentStep),
      method: ERROR_BOUND_METHOD,
      candidates: 'every 0.01 from 0 to 1',
    };
    if (chosen === null) {
      return {
        ...base,
        autoApproveAt: null,
        evidence: null,
        explanation:
          reviewed[0] === 0
            ? 'no human decisions on this queue in the window: review some items (audit sampling helps) first'
            : `no threshold keeps the 95% upper bound of the error rate under ${maxErrorRate}: more reviewed high-confidence items are needed, or the model errs too often`,
      };
    }
    const evidence = evidenceAt(chosen);
    return {
      ...base,
      ...evidence,
      evidence,
      explanation:
        `lowest threshold whose 95% upper error bound (${evidence.errorRateUpperBound!.toFixed(4)}) is below ${maxErrorRate}` +
        (chosen / STEPS < queue.policy.blockBelow
          ? `; blockBelow (${queue.policy.blockBelow}) must be lowered too`
          : ''),
    };
  }
}
