import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainEvents } from '../common/domain-events';
import { isDataException } from '../common/pg-errors';
import { ItemStore, type NewSubmission } from '../items/item-store';
import type { Item } from '../items/item.entity';

export type PreparedSubmission = NewSubmission;

export type SubmissionOutcome =
  | { kind: 'created'; item: Item }
  | { kind: 'replayed'; item: Item }
  | { kind: 'conflict'; existingId: string };

interface Waiting {
  submission: PreparedSubmission;
  resolve: (outcome: SubmissionOutcome) => void;
  reject: (error: unknown) => void;
}

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
    private readonly store: ItemStore,
    private readonly events: DomainEvents,
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
      inserted = await this.store.insertSubmissions(batch.map((w) => w.submission));
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
    const stored = await this.store.findByExternalIds(keys);
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
