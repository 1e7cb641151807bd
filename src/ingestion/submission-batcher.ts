import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../common/domain-events';
import { Item } from '../items/item.entity';
import { ItemEventsService, NewItemEvent } from '../items/item-events.service';
import { isDataException } from '../common/pg-errors';

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

/** Column name and Postgres array type, in the order rowValues() produces them. */
const ITEM_COLUMNS: [string, string][] = [
  ['id', 'uuid'],
  ['queue_id', 'uuid'],
  ['queue_slug', 'text'],
  ['external_id', 'text'],
  ['body_hash', 'text'],
  ['model_name', 'text'],
  ['model_version', 'text'],
  ['input', 'jsonb'],
  ['output', 'jsonb'],
  ['confidence', 'float8'],
  ['metadata', 'jsonb'],
  ['callback_url', 'text'],
  ['routing', 'text'],
  ['reasons', 'jsonb'],
  ['policy_version', 'int4'],
  ['status', 'text'],
  ['usable', 'bool'],
  ['decided_by', 'text'],
  ['final_output', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['decided_at', 'timestamptz'],
  ['sla_due_at', 'timestamptz'],
  ['sla_warn_at', 'timestamptz'],
  ['review_state', 'text'],
  ['review_class', 'text'],
  ['review_rank', 'int2'],
  ['queued_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
  ['audit_head', 'text'],
];
const EVENT_COLUMNS: [string, string][] = [
  ['item_id', 'uuid'],
  ['seq', 'int4'],
  ['type', 'text'],
  ['actor', 'text'],
  ['details', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['prev_hash', 'text'],
  ['hash', 'text'],
];

function rowValues(item: Item): unknown[] {
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  return [
    item.id,
    item.queueId,
    item.queueSlug,
    item.externalId,
    item.bodyHash,
    item.modelName,
    item.modelVersion,
    json(item.input),
    json(item.output),
    item.confidence,
    json(item.metadata),
    item.callbackUrl,
    item.routing,
    json(item.reasons),
    item.policyVersion,
    item.status,
    item.usable,
    item.decidedBy,
    json(item.finalOutput),
    item.createdAt,
    item.decidedAt,
    item.slaDueAt,
    item.slaWarnAt ?? null,
    item.reviewState,
    item.reviewClass,
    item.reviewRank,
    item.queuedAt,
    item.updatedAt,
    item.auditHead,
  ];
}

/** Turns rows into one array parameter per column, for `unnest($1::uuid[], $2::text[], …)`. */
function columnArrays(rows: unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
  rows.forEach((row, r) => row.forEach((value, c) => (columns[c][r] = value)));
  return columns;
}

function unnest(columns: [string, string][], offset: number): string {
  return `unnest(${columns.map(([, type], i) => `$${offset + i + 1}::${type}[]`).join(', ')}) AS t(${columns.map(([name]) => name).join(', ')})`;
}

/**
 * One statement, so one round trip and one commit: insert the items (skipping idempotency
 * conflicts), the first audit events of exactly the rows that were inserted, and an outbox row
 * for each one entering the review line (cleared once its BullMQ job exists).
 */
const FLUSH_SQL = `
  WITH inserted AS (
    INSERT INTO items (${ITEM_COLUMNS.map(([n]) => n).join(', ')})
    SELECT * FROM ${unnest(ITEM_COLUMNS, 0)}
    ON CONFLICT (queue_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
    RETURNING id, review_state, queued_at
  ), events AS (
    INSERT INTO item_events (${EVENT_COLUMNS.map(([n]) => n).join(', ')})
    SELECT * FROM ${unnest(EVENT_COLUMNS, ITEM_COLUMNS.length)}
    WHERE t.item_id IN (SELECT id FROM inserted)
  ), outbox AS (
    INSERT INTO review_line_outbox (item_id, queued_at)
    SELECT id, queued_at FROM inserted WHERE review_state <> 'none'
  )
  SELECT id FROM inserted`;

const MAX_ROWS_PER_FLUSH = 1000;
const MAX_CONCURRENT_FLUSHES = 8;
const MAX_FANOUTS_IN_FLIGHT = 8;

/**
 * Group commit: submissions that arrive while earlier flushes are in flight are written
 * together: one statement and one commit for many requests. The commit, not the
 * framework, is the cost of a durable submission, so this is where throughput comes from.
 * Idempotency rides on the unique (queue_id, external_id) index: ON CONFLICT DO NOTHING, then
 * the rows that were not inserted are compared by body hash with what is stored.
 */
@Injectable()
export class SubmissionBatcher implements OnApplicationShutdown {
  private readonly logger = new Logger('SubmissionBatcher');
  private waiting: Waiting[] = [];
  private flushing = 0;
  private fanoutsInFlight = 0;
  private scheduled = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
    private readonly itemEvents: ItemEventsService,
  ) {}

  submit(submissions: PreparedSubmission[]): Promise<SubmissionOutcome>[] {
    const promises = submissions.map(
      (submission) =>
        new Promise<SubmissionOutcome>((resolve, reject) =>
          this.waiting.push({ submission, resolve, reject }),
        ),
    );
    this.schedule();
    return promises;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.flushing >= MAX_CONCURRENT_FLUSHES)
      return;
    this.scheduled = true;
    // One macrotask of slack lets requests parsed in the same tick share a commit.
    setImmediate(() => {
      this.scheduled = false;
      if (this.flushing >= MAX_CONCURRENT_FLUSHES || this.waiting.length === 0) return;
      const batch = this.waiting.splice(0, MAX_ROWS_PER_FLUSH);
      this.flushing += 1;
      void this.flush(batch, () => {
        this.flushing -= 1;
        this.schedule();
      });
      this.schedule();
    });
  }

  /** `committed` frees the flush slot as soon as the rows are durable; the Redis fan-out follows. */
  private async flush(batch: Waiting[], committed: () => void): Promise<void> {
    let inserted: Set<string>;
    try {
      inserted = await this.insert(batch.map((w) => w.submission));
    } catch (error) {
      committed();
      // A row Postgres refuses (SQLSTATE class 22, data exception) must not fail the other
      // requests that happened to share its flush: write them one by one instead.
      if (batch.length > 1 && isDataException(error)) {
        for (const w of batch) void this.flush([w], () => undefined);
      } else {
        for (const w of batch) w.reject(error);
      }
      return;
    }
    committed();
    const created = batch.filter((w) => inserted.has(w.submission.item.id));
    const replays = batch.filter((w) => !inserted.has(w.submission.item.id));
    if (created.length > 0) {
      // Pushes to the review queues, SLA timers and live events, once for the whole flush.
      // The rows are durable now, so answers need not wait for Redis; a crash before the push
      // is repaired by the sweeper. Past MAX_FANOUTS_IN_FLIGHT we wait, so Redis sets the pace.
      const fanout = this.fanOut(created.map((w) => w.submission.item));
      if (this.fanoutsInFlight > MAX_FANOUTS_IN_FLIGHT) await fanout;
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
    // The first events and, from the newest of them and the item's verdict, its chain head.
    const chains = submissions.map((s) => {
      const events = this.itemEvents.firstEvents(s.item.id, s.events);
      const newest = events.length ? events[events.length - 1] : null;
      s.item.auditHead = this.itemEvents.auditColumns(s.item, null, newest).auditHead;
      return events;
    });
    const items = columnArrays(
      submissions.map((s) => rowValues(s.item)),
      ITEM_COLUMNS.length,
    );
    const events = columnArrays(
      chains
        .flat()
        .map((e) => [
          e.itemId,
          e.seq,
          e.type,
          e.actor,
          JSON.stringify(e.details),
          e.createdAt,
          e.prevHash,
          e.hash,
        ]),
      EVENT_COLUMNS.length,
    );
    const rows: { id: string }[] = await this.dataSource.query(FLUSH_SQL, [...items, ...events]);
    return new Set(rows.map((r) => r.id));
  }

  /** Listener failures (Redis away) are logged by DomainEvents and repaired by the sweeper. */
  private async fanOut(items: Item[]): Promise<void> {
    this.fanoutsInFlight += 1;
    try {
      await this.events.emit('items.submitted', { items });
    } finally {
      this.fanoutsInFlight -= 1;
    }
  }

  /** Waits for every fan-out under way (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.fanoutsInFlight > 0 || this.flushing > 0)
      await new Promise((r) => setTimeout(r, 10));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private async resolveReplays(replays: Waiting[]): Promise<void> {
    const keys = replays.map((w) => ({
      queueId: w.submission.item.queueId,
      externalId: w.submission.item.externalId!,
    }));
    const stored: Item[] = await this.dataSource
      .getRepository(Item)
      .createQueryBuilder('i')
      .where(
        `(i.queue_id, i.external_id) IN (SELECT * FROM unnest(:queueIds::uuid[], :externalIds::text[]))`,
        {
          queueIds: keys.map((k) => k.queueId),
          externalIds: keys.map((k) => k.externalId),
        },
      )
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
