import { Inject, Injectable, NotFoundException, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool, type PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { RetryLaterException } from '../common/errors';
import { QueuesService } from '../queues/queues.service';
import { encoderFor } from './export-format';
import type { ExportParams } from './export-params';
import { countSql, exportSql } from './export-sql';
import { ReviewerPseudonyms } from '../common/reviewer-pseudonym';

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

/** Seconds a caller refused for want of an export slot is told to wait. */
const RETRY_AFTER_SECONDS = 10;

/** Raised (as the pipeline's error) when the reader stopped reading for EXPORT_IDLE_TIMEOUT_MS. */
export class ExportReaderIdle extends Error {
  readonly code = 'EXPORT_READER_IDLE';
}

/**
 * Streams an export from a Postgres cursor into any writable (an HTTP response, a file). Only
 * one batch of rows is in memory at a time, backpressure runs from the sink back to the cursor,
 * and the cursor and its connection are released however the stream ends (including a client
 * that goes away mid-download).
 *
 * Exports hold a connection for as long as the download lasts, so they never use the API's
 * pool: they have a pool of their own of EXPORT_MAX_CONCURRENT connections, and a download
 * asked for when all are busy is refused (429 + Retry-After) rather than queued. A reader that
 * stops reading (its socket buffers full, no progress) for EXPORT_IDLE_TIMEOUT_MS is
 * disconnected, which ends the cursor and frees the connection.
 */
@Injectable()
export class ExportStreamService implements OnApplicationShutdown {
  private readonly reviewers: ReviewerPseudonyms;
  private readonly exportPool: Pool;
  private readonly maxConcurrent: number;
  private readonly idleTimeoutMs: number;
  private inFlight = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly queues: QueuesService,
  ) {
    this.reviewers = new ReviewerPseudonyms(config.jwtSecret);
    this.maxConcurrent = config.exportMaxConcurrent;
    this.idleTimeoutMs = config.exportIdleTimeoutMs;
    this.exportPool = new Pool({
      connectionString: config.databaseUrl,
      max: config.exportMaxConcurrent,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 10_000,
      application_name: 'verdict-export',
    });
    // An idle export connection dropped by the server must not crash the process.
    this.exportPool.on('error', () => undefined);
  }

  /** Takes an export slot now, or refuses with 429 + Retry-After; call the result to give it back. */
  reserve(): () => void {
    if (this.inFlight >= this.maxConcurrent)
      throw new RetryLaterException(
        RETRY_AFTER_SECONDS,
        `${this.maxConcurrent} exports are already streaming; retry later or use POST /v1/feedback/exports`,
      );
    this.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
    };
  }

  /** Background exports wait for a slot instead of being refused. */
  async waitForSlot(): Promise<() => void> {
    for (;;) {
      try {
        return this.reserve();
      } catch (error) {
        if (!(error instanceof RetryLaterException)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.exportPool.end().catch(() => undefined);
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

  async count(params: ExportParams, queueId: string | undefined): Promise<number> {
    const { text, values } = countSql(params, queueId);
    const rows: { n: string }[] = await this.dataSource.query(text, values);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The `answers.<key>` CSV columns: the queue's questions, or every queue's (first use first,
   * each key once) when the export spans queues.
   */
  private async questionKeys(queueId: string | undefined): Promise<string[]> {
    const rows: { key: string }[] = await this.dataSource.query(
      `SELECT q.key FROM queues, jsonb_array_elements(queues.questions) WITH ORDINALITY AS e(question, n),
         LATERAL (SELECT e.question ->> 'key' AS key) q
       WHERE ($1::uuid IS NULL OR queues.id = $1) ORDER BY queues.created_at, queues.id, e.n`,
      [queueId ?? null],
    );
    return [...new Set(rows.map((r) => r.key))];
  }

  /** Resolves with the number of records written; rejects if the sink closes early or a query fails. */
  async streamTo(
    params: ExportParams,
    queueId: string | undefined,
    sink: Writable,
    options: StreamOptions = {},
  ): Promise<number> {
    // Before the cursor opens: once rows flow, awaiting anything would drop them.
    const questionKeys = params.format === 'csv' ? await this.questionKeys(queueId) : [];
    const { text, values } = exportSql(params, queueId);
    const client: PoolClient = await this.exportPool.connect();
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
      ...encoderFor(params.format, this.reviewers, questionKeys),
      ...(params.gzip ? [createGzip({ level: 5 })] : []),
    ];
    const watch = this.watchForStall(sink, () => written);
    try {
      await pipeline([rows, ...stages, sink]);
      client.release();
      return written;
    } catch (error) {
      // The connection may sit mid-protocol after an abort; drop it rather than reuse it.
      client.release(error instanceof Error ? error : true);
      // The pipeline reports the destroyed sink as a premature close; say why it was closed.
      throw watch.idle ?? error;
    } finally {
      watch.stop();
    }
  }

  /**
   * Disconnects a reader that stopped reading: the sink has been full (waiting for 'drain') with
   * no record written for EXPORT_IDLE_TIMEOUT_MS. A slow query with a reading client is not
   * idle: the sink is not full then.
   */
  private watchForStall(
    sink: Writable,
    progress: () => number,
  ): { stop: () => void; idle?: ExportReaderIdle } {
    const watch: { stop: () => void; idle?: ExportReaderIdle } = { stop: () => undefined };
    let last = progress();
    let lastChange = Date.now();
    const timer = setInterval(
      () => {
        const now = progress();
        if (now !== last || !sink.writableNeedDrain) {
          last = now;
          lastChange = Date.now();
          return;
        }
        if (Date.now() - lastChange >= this.idleTimeoutMs) {
          clearInterval(timer);
          watch.idle = new ExportReaderIdle(`reader stopped reading for ${this.idleTimeoutMs} ms`);
          sink.destroy(watch.idle);
        }
      },
      Math.min(1_000, Math.max(50, Math.floor(this.idleTimeoutMs / 4))),
    );
    timer.unref();
    watch.stop = () => clearInterval(timer);
    return watch;
  }
}
