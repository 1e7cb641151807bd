import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Claims on this instance between two vacuums of the line, at most. */
export const CLAIMS_PER_VACUUM = 2_000;
/** A vacuum after fewer claims once this long has passed since the first of them. */
export const VACUUM_AFTER_MS = 10_000;

/**
 * Keeps the head of the review line free of the entries claims leave behind.
 *
 * Every claim deletes its item's `review_line` row, and the deleted row's index entry stays where
 * the next claims begin their walk until a VACUUM removes it (migration 1796070000000). Autovacuum
 * looks at a table at most once a minute, and ~800 claims a second would leave ~50k such entries
 * to walk by then; so each instance vacuums the line itself after CLAIMS_PER_VACUUM of its claims,
 * or VACUUM_AFTER_MS after its first claim since the last vacuum. The table holds waiting items
 * only, so a vacuum costs little (tens of ms at 60k waiting); INDEX_CLEANUP ON because the dead
 * index entries are the point (Postgres would otherwise skip index cleanup for so few pages), and
 * SKIP_LOCKED so two instances never queue behind each other's vacuum.
 * Never on a request's path: a claim only counts itself, and a failed vacuum is logged and tried
 * again after the next claims. It needs the role that owns the table (the one migrations run as,
 * as in every setup Verdict ships); under another role Postgres skips it with a warning and the
 * line is left to autovacuum, slower but still correct.
 */
@Injectable()
export class ReviewLineVacuum implements OnApplicationShutdown {
  private readonly logger = new Logger('ReviewLineVacuum');
  private claims = 0;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A claim took an item out of the line here. */
  claimed(): void {
    if (this.stopped) return;
    this.claims += 1;
    if (this.claims >= CLAIMS_PER_VACUUM) this.vacuumSoon();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.vacuumSoon();
      }, VACUUM_AFTER_MS).unref();
  }

  /** Claims that come while a vacuum runs are kept for the next one (their own timer or count). */
  private vacuumSoon(): void {
    if (this.running || this.stopped || this.claims === 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.claims = 0;
    this.running = this.vacuum().finally(() => {
      this.running = undefined;
    });
  }

  private async vacuum(): Promise<void> {
    try {
      await this.dataSource.query('VACUUM (INDEX_CLEANUP ON, SKIP_LOCKED) review_line');
    } catch (error) {
      this.logger.warn(`vacuum of the review line failed: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
