import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { aggregateQuery } from './aggregate-query';
import type { Principal } from '../common/principal';
import { AnalyticsScope, modelLabel, scopeSql, sinceDate } from './analytics-scope';
import type { CalibrationQuery } from './analytics.dto';
import { SqlParams } from '../common/sql';
import { IS_HUMAN_VERDICT } from './human-verdicts';

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanConfidence: number | null;
  humanApproveRate: number | null;
}

/**
 * Reliability of the model's confidence against human verdicts: for equal-width bins on [0, 1]
 * (the last one closed, so 1.0 falls in it), how often people approved what the model was
 * that confident about. Approve counts as approved; reject and correct as not approved; each
 * item counts once, by its final human decision (see human-verdicts.ts).
 * ECE = sum over bins of count/N * |mean confidence - approve rate|.
 */
@Injectable()
export class CalibrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scope: AnalyticsScope,
  ) {}

  async calibration(principal: Principal, query: CalibrationQuery) {
    this.scope.authorize(principal);
    const scope = await this.scope.resolve(query);
    const since = sinceDate(query.since, undefined);
    const bins = query.bins ?? 10;
    const params = scopeSql(scope, new SqlParams()).and(IS_HUMAN_VERDICT);
    if (since) params.and(`i.created_at >= ${params.add(since)}`);
    const n = params.add(bins);
    // Same float arithmetic as floor(confidence * bins) anywhere else; LEAST puts 1.0 in the last bin.
    const rows: { bin: number; n: string; conf: number; approved: string }[] = await aggregateQuery(
      this.dataSource,
      `SELECT LEAST(floor(i.confidence * ${n})::int, ${n} - 1) AS bin, count(*) AS n, sum(i.confidence) AS conf,
         count(*) FILTER (WHERE i.status = 'approved') AS approved
       FROM items i ${params.whereSql()} GROUP BY 1`,
      params.values,
    );
    const byBin = new Map(rows.map((r) => [Number(r.bin), r]));
    const reviewed = rows.reduce((s, r) => s + Number(r.n), 0);
    let ece = 0;
    const out: CalibrationBin[] = [];
    for (let b = 0; b < bins; b += 1) {
      const row = byBin.get(b);
      const count = row ? Number(row.n) : 0;
      const meanConfidence = row ? Number(row.conf) / count : null;
      const humanApproveRate = row ? Number(row.approved) / count : null;
      if (row) ece += (count / reviewed) * Math.abs(meanConfidence! - humanApproveRate!);
      out.push({ lo: b / bins, hi: (b + 1) / bins, count, meanConfidence, humanApproveRate });
    }
    return {
      queue: scope.queue?.slug ?? null,
      model: modelLabel(scope),
      since: since ?? null,
      bins: out,
      ece: reviewed > 0 ? ece : null,
      reviewed,
    };
  }
}
