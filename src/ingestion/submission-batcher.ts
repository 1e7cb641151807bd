import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../common/domain-events';
import { Item } from '../items/item.entity';
import { ItemEventsService, NewItemEvent } from '../items/item-events.service';

export interface PreparedSubmission {
  item: Item;
  events: NewItemEvent[];
}

export type SubmissionOutcome =
  | { kind: 'created'; item: Item }
  | { kind: 'replayed'; item: Item }
  | { kind: 'conflict'; existingId: string };

interface Waiting {
  submission: PreparedSubmission;
  resolve: (outcome: SubmissionOutcome) => void;
  reject: (error: unknown) => void;
}

const ITEM_COLUMNS = [
  'id', 'queue_id', 'queue_slug', 'external_id', 'body_hash', 'model_name', 'model_version', 'input', 'output', 'confidence',
  'metadata', 'callback_url', 'routing', 'reasons', 'policy_version', 'status', 'usable', 'decided_by', 'final_output',
  'created_at', 'decided_at', 'sla_due_at', 'review_state', 'review_class', 'review_rank', 'queued_at', 'updated_at',
] as const;
const JSON_COLUMNS = new Set(['input', 'output', 'metadata', 'reasons', 'final_output']);
const EVENT_COLUMNS = ['item_id', 'seq', 'type', 'actor', 'details', 'created_at', 'prev_hash', 'hash'] as const;

const MAX_ROWS_PER_FLUSH = 1000;
const MAX_CONCURRENT_FLUSHES = 4;

function rowValues(item: Item): unknown[] {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  return [
    item.id, item.queueId, item.queueSlug, item.externalId, item.bodyHash, item.modelName, item.modelVersion, json(item.input),
    json(item.output), item.confidence, json(item.metadata), item.callbackUrl, item.routing, json(item.reasons),
    item.policyVersion, item.status, item.usable, item.decidedBy, json(item.finalOutput), item.createdAt, item.decidedAt,
    item.slaDueAt, item.reviewState, item.reviewClass, item.reviewRank, item.queuedAt, item.updatedAt,
  ];
}

function placeholders(rows: number, columns: readonly string[], start = 1): string {
  const out: string[] = [];
  let n = start;
  for (let r = 0; r < rows; r++) {
    out.push(`(${columns.map((c) => `$${n++}${JSON_COLUMNS.has(c) || c === 'details' ? '::jsonb' : ''}`).join(',')})`);
  }
  return out.join(',');
}

/**
 * Group commit: submissions that arrive while earlier flushes are in flight are written
 * together, one multi-row INSERT and one commit for many requests. The commit, not the
 * framework, is the cost of a durable submission, so this is where throughput comes from.
 * Idempotency rides on the unique (queue_id, external_id) index: ON CONFLICT DO NOTHING, then
 * the rows that were not inserted are compared by body hash with what is stored.
 */
@Injectable()
export class SubmissionBatcher {
  private readonly logger = new Logger('SubmissionBatcher');
  private waiting: Waiting[] = [];
  private flushing = 0;
  private scheduled = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  submit(submissions: PreparedSubmission[]): Promise<SubmissionOutcome>[] {
    const promises = submissions.map(
      (submission) => new Promise<SubmissionOutcome>((resolve, reject) => this.waiting.push({ submission, resolve, reject })),
    );
    this.schedule();
    return promises;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.flushing >= MAX_CONCURRENT_FLUSHES) return;
    this.scheduled = true;
    // One macrotask of slack lets requests parsed in the same tick share a commit.
    setImmediate(() => {
      this.scheduled = false;
      if (this.flushing >= MAX_CONCURRENT_FLUSHES || this.waiting.length === 0) return;
      const batch = this.waiting.splice(0, MAX_ROWS_PER_FLUSH);
      this.flushing += 1;
      void this.flush(batch).finally(() => {
        this.flushing -= 1;
        this.schedule();
      });
      this.schedule();
    });
  }

  private async flush(batch: Waiting[]): Promise<void> {
    let inserted: Set<string>;
    try {
      inserted = await this.insert(batch.map((w) => w.submission));
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    const created = batch.filter((w) => inserted.has(w.submission.item.id));
    const replays = batch.filter((w) => !inserted.has(w.submission.item.id));
    if (created.length > 0) {
      // Pushes to the review queues, SLA timers and live events, once for the whole flush.
      // Listener failures (Redis away) are logged; the sweeper repairs from Postgres.
      await this.events.emit('items.submitted', { items: created.map((w) => w.submission.item) });
    }
    for (const w of created) w.resolve({ kind: 'created', item: w.submission.item });
    if (replays.length === 0) return;
    try {
      await this.resolveReplays(replays);
    } catch (error) {
      for (const w of replays) w.reject(error);
    }
  }

  private async insert(submissions: PreparedSubmission[]): Promise<Set<string>> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const params = submissions.flatMap((s) => rowValues(s.item));
      const rows: { id: string }[] = await runner.query(
        `INSERT INTO items (${ITEM_COLUMNS.join(',')}) VALUES ${placeholders(submissions.length, ITEM_COLUMNS)}
         ON CONFLICT (queue_id, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id`,
        params,
      );
      const inserted = new Set(rows.map((r) => r.id));
      const events = submissions
        .filter((s) => inserted.has(s.item.id))
        .flatMap((s) => ItemEventsService.firstEvents(s.item.id, s.events));
      // Chunked so one statement stays well under Postgres's 65535-parameter limit.
      for (let i = 0; i < events.length; i += 4000) {
        const chunk = events.slice(i, i + 4000);
        await runner.query(
          `INSERT INTO item_events (${EVENT_COLUMNS.join(',')}) VALUES ${placeholders(chunk.length, EVENT_COLUMNS)}`,
          chunk.flatMap((e) => [e.itemId, e.seq, e.type, e.actor, JSON.stringify(e.details), e.createdAt, e.prevHash, e.hash]),
        );
      }
      await runner.commitTransaction();
      return inserted;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async resolveReplays(replays: Waiting[]): Promise<void> {
    const keys = replays.map((w) => ({ queueId: w.submission.item.queueId, externalId: w.submission.item.externalId! }));
    const stored: Item[] = await this.dataSource
      .getRepository(Item)
      .createQueryBuilder('i')
      .where(`(i.queue_id, i.external_id) IN (SELECT * FROM unnest(:queueIds::uuid[], :externalIds::text[]))`, {
        queueIds: keys.map((k) => k.queueId),
        externalIds: keys.map((k) => k.externalId),
      })
      .getMany();
    const byKey = new Map(stored.map((i) => [`${i.queueId}|${i.externalId}`, i]));
    for (const w of replays) {
      const existing = byKey.get(`${w.submission.item.queueId}|${w.submission.item.externalId}`);
      if (!existing) {
        this.logger.error(`idempotency row for ${w.submission.item.externalId} vanished`);
        w.reject(new Error('idempotency lookup failed'));
      } else if (existing.bodyHash === w.submission.item.bodyHash) {
        w.resolve({ kind: 'replayed', item: existing });
      } else {
        w.resolve({ kind: 'conflict', existingId: existing.id });
      }
    }
  }
}
