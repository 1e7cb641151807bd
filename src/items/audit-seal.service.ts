import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ItemStore } from './item-store';

export const AUDIT_SEALED_SETTING = 'audit_legacy_sealed_at';
// Any constant works; it only has to be the same for every instance.
const SEAL_LOCK_KEY = 7_320_410_002;
const BATCH = 500;

/**
 * Items written before audit keying have plain SHA-256 chains and no head. At start, one instance
 * (advisory lock) gives each of them a keyed head over its chain as it stands, in batches, then
 * records in the settings table that sealing is done; from then on an item without a head fails
 * verification. Runs in the background: the API answers meanwhile (unsealed items verify as legacy).
 */
@Injectable()
export class AuditSealService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSeal');
  private sealed = false;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: ItemStore,
  ) {}

  onApplicationBootstrap(): void {
    void this.sealLegacyItems().catch((error: Error) =>
      this.logger.warn(`sealing legacy audit chains failed: ${error.message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  /** Whether every legacy item has a head (cached once true: it never becomes false again). */
  async isSealed(): Promise<boolean> {
    if (this.sealed) return true;
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM settings WHERE key = $1', [
      AUDIT_SEALED_SETTING,
    ]);
    this.sealed = rows.length > 0;
    return this.sealed;
  }

  private async sealLegacyItems(): Promise<void> {
    if (await this.isSealed()) return;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        SEAL_LOCK_KEY,
      ])) as { locked: boolean }[];
      if (!locked) return;
      try {
        let total = 0;
        for (;;) {
          if (this.stopping) return;
          const n = await this.sealBatch();
          total += n;
          if (n === 0) break;
        }
        await this.dataSource.query(
          'INSERT INTO settings (key, value) VALUES ($1, now()::text) ON CONFLICT (key) DO NOTHING',
          [AUDIT_SEALED_SETTING],
        );
        this.sealed = true;
        if (total > 0) this.logger.log(`sealed the audit chains of ${total} legacy item(s)`);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SEAL_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private sealBatch(): Promise<number> {
    return this.store.sealLegacyHeads(BATCH);
  }
}
