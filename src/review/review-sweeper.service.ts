import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobHandler } from '../jobs/job-handler.decorator';
import { ItemStore } from '../items/item-store';
import { ClaimsService } from './claims.service';
import { SlaService } from './sla.service';
import { Sweeps } from '../redis/sweep';

const BATCH = 200;

/**
 * Timers, twice over. In-process lease timers (LeaseTimers, on the instance that granted or
 * extended the lease) and BullMQ delayed jobs (sla.expire) act on time; this sweep finds lapsed
 * leases and overdue SLAs in Postgres every SWEEP_INTERVAL_MS, so neither depends on the
 * instance that armed the timer surviving, nor on Redis keeping its data. A Redis lock keeps the
 * sweep to one instance at a time; without Redis every worker sweeps, which is safe because each
 * item is re-checked under its row lock.
 */
@Injectable()
export class ReviewSweeperService {
  private readonly logger = new Logger('ReviewSweeper');

  constructor(
    private readonly store: ItemStore,
    private readonly claims: ClaimsService,
    private readonly sla: SlaService,
    sweeps: Sweeps,
  ) {
    // Without Redis every worker sweeps: each item is re-checked under its row lock.
    sweeps.every(
      'sweep',
      { logger: this.logger, lock: 'review-sweep-lock', whenRedisDown: 'run' },
      () => this.sweep(),
    );
  }

  /**
   * Nothing enqueues lease.expire any more (leases are timed in process); kept so the delayed
   * jobs an earlier version left in Redis still run, instead of failing, during an upgrade.
   */
  @JobHandler('lease.expire')
  async expireLease(payload: { itemId: string; token: string }, _job: Job): Promise<unknown> {
    return this.claims.expire(payload.itemId, payload.token);
  }

  /** Lapsed leases back in line, overdue SLAs applied (run by the shared Sweep, under its lock). */
  async sweep(): Promise<{ leases: number; slas: number }> {
    const done = { leases: 0, slas: 0 };
    done.leases = await this.drain(
      () => this.store.lapsedLeaseIds(BATCH),
      (id) => this.claims.expire(id, undefined, true),
    );
    done.slas = await this.drain(
      () => this.store.dueSlaIds(BATCH),
      (id) => this.sla.fire(id, true),
    );
    if (done.leases + done.slas > 0)
      this.logger.log(
        `returned ${done.leases} lapsed lease(s), applied ${done.slas} SLA timeout(s)`,
      );
    return done;
  }

  /** Handles due rows in batches until none are left (rows locked elsewhere wait for the next sweep). */
  private async drain(
    due: () => Promise<string[]>,
    handle: (id: string) => Promise<boolean>,
  ): Promise<number> {
    let total = 0;
    for (let round = 0; round < 50; round++) {
      const ids = await due();
      let changed = 0;
      for (const id of ids) if (await handle(id)) changed += 1;
      total += changed;
      if (ids.length < BATCH || changed === 0) break;
    }
    return total;
  }
}
