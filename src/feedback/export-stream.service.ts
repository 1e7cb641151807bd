import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { QueuesService } from '../queues/queues.service';
import { encoderFor } from './export-format';
import type { ExportParams } from './export-params';
import { countSql, exportSql } from './export-sql';
import { ReviewerPseudonyms } from './reviewer-pseudonym';

/** Every column arrives as Postgres text: the encoders splice JSON text straight into lines. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * Rows fetched per round trip: enough to amortise the round trip, few enough that rows do not
 * live long enough to be promoted to the old generation (which is what makes RSS grow).
 */
const BATCH_ROWS = 200;

export interface StreamOptions {
  /** Called now and then with the number of records written so far. */
  onProgress?: (rows: number) => void;
}

/**
 * Streams an export from a Postgres cursor into any writable (an HTTP response, a file). Only
 * one batch of rows is in memory at a time, backpressure runs from the sink back to the cursor,
 * and the cursor and its connection are released however the stream ends (including a client
 * that goes away mid-download).
 */
@Injectable()
export class ExportStreamService {
  private readonly reviewers: ReviewerPseudonyms;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly queues: QueuesService,
  ) {
    this.reviewers = new ReviewerPseudonyms(config.jwtSecret);
  }

  /** The queue filter as an id (404 for an unknown slug, rather than a silently empty file). */
  async queueId(params: ExportParams): Promise<string | undefined> {
    if (!params.queue) return undefined;
    try {
      return (await this.queues.findBySlug(params.queue)).id;
    } catch (error) {
      if (error instanceof NotFoundException)
        throw new NotFoundException(`queue "${params.queue}" not found`);
      throw error;
    }
  }

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  async count(params: ExportParams, queueId: string | undefined): Promise<number> {
    const { text, values } = countSql(params, queueId);
    const rows: { n: string }[] = await this.dataSource.query(text, values);
    return Number(rows[0]?.n ?? 0);
  }

  /** Resolves with the number of records written; rejects if the sink closes early or a query fails. */
  async streamTo(
    params: ExportParams,
    queueId: string | undefined,
    sink: Writable,
    options: StreamOptions = {},
  ): Promise<number> {
    const { text, values } = exportSql(params, queueId);
    const client: PoolClient = await this.pool().connect();
    const rows = client.query(
      new QueryStream(text, values, { batchSize: BATCH_ROWS, rowMode: 'array', types: RAW_TEXT }),
    );
    let written = 0;
    // Counting on 'data' adds no stage and no buffer; pipe() still paces the cursor.
    rows.on('data', () => {
      written += 1;
      if (options.onProgress && written % 5_000 === 0) options.onProgress(written);
    });
    const stages = [
      ...encoderFor(params.format, this.reviewers),
      ...(params.gzip ? [createGzip({ level: 5 })] : []),
    ];
    try {
      await pipeline([rows, ...stages, sink]);
      client.release();
      return written;
    } catch (error) {
      // The connection may sit mid-protocol after an abort; drop it rather than reuse it.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }
}
