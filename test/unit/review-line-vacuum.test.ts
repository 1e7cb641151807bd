import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import {
  CLAIMS_PER_VACUUM,
  ReviewLineVacuum,
  VACUUM_AFTER_MS,
} from '../../src/items/review-line-vacuum';

/** Postgres's side, at the edge: records each statement and lets the test say when it ends. */
function postgres() {
  const statements: string[] = [];
  const pending: (() => void)[] = [];
  const dataSource = {
    query: (sql: string) => {
      statements.push(sql);
      return new Promise<void>((resolve) => pending.push(resolve));
    },
  } as unknown as DataSource;
  return { dataSource, statements, finishAll: () => pending.splice(0).forEach((f) => f()) };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

void describe('ReviewLineVacuum', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  void it('vacuums once CLAIMS_PER_VACUUM claims were made, without waiting for the timer', async () => {
    const pg = postgres();
    const vacuum = new ReviewLineVacuum(pg.dataSource);
    for (let i = 0; i < CLAIMS_PER_VACUUM - 1; i++) vacuum.claimed();
    assert.equal(pg.statements.length, 0);
    vacuum.claimed();
    assert.deepEqual(pg.statements, ['VACUUM (INDEX_CLEANUP ON, SKIP_LOCKED) review_line']);
    // The count starts again, and the armed timer went with the vacuum.
    pg.finishAll();
    await settle();
    mock.timers.tick(VACUUM_AFTER_MS);
    assert.equal(pg.statements.length, 1);
  });

  void it('vacuums VACUUM_AFTER_MS after the first of a few claims, and not at all without claims', async () => {
    const pg = postgres();
    const vacuum = new ReviewLineVacuum(pg.dataSource);
    mock.timers.tick(VACUUM_AFTER_MS * 3);
    assert.equal(pg.statements.length, 0);
    vacuum.claimed();
    mock.timers.tick(VACUUM_AFTER_MS / 2);
    vacuum.claimed();
    assert.equal(pg.statements.length, 0);
    mock.timers.tick(VACUUM_AFTER_MS / 2);
    assert.equal(pg.statements.length, 1);
    pg.finishAll();
    await settle();
  });

  void it('keeps claims made while a vacuum runs for a later vacuum', async () => {
    const pg = postgres();
    const vacuum = new ReviewLineVacuum(pg.dataSource);
    vacuum.claimed();
    mock.timers.tick(VACUUM_AFTER_MS);
    assert.equal(pg.statements.length, 1);
    // A claim during the vacuum arms a timer that fires while it still runs: nothing starts.
    vacuum.claimed();
    mock.timers.tick(VACUUM_AFTER_MS);
    assert.equal(pg.statements.length, 1);
    pg.finishAll();
    await settle();
    // The next claim arms a timer again, and that claim and the earlier one get their vacuum.
    vacuum.claimed();
    mock.timers.tick(VACUUM_AFTER_MS);
    assert.equal(pg.statements.length, 2);
    pg.finishAll();
    await settle();
  });

  void it('tries again after the next claims when a vacuum fails', async () => {
    let attempts = 0;
    const dataSource = {
      query: () => {
        attempts += 1;
        return Promise.reject(new Error('connection lost'));
      },
    } as unknown as DataSource;
    const vacuum = new ReviewLineVacuum(dataSource);
    vacuum.claimed();
    mock.timers.tick(VACUUM_AFTER_MS);
    await settle();
    assert.equal(attempts, 1);
    vacuum.claimed();
    mock.timers.tick(VACUUM_AFTER_MS);
    await settle();
    assert.equal(attempts, 2);
    await vacuum.onApplicationShutdown();
  });
});
