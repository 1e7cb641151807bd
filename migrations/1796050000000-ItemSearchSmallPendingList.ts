import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The full-text index on items (items_search_idx, GIN) collects new entries in a pending list
 * and merges them into the index when the list passes gin_pending_list_limit (4 MB by default).
 * The insert that passes the limit does the whole merge before it commits: measured at 36–61 ms
 * for one submission, a stall every few seconds at a steady 200 submissions/s. With a 256 kB
 * list the same work comes in sixteen times smaller pieces (no insert over 15 ms in the same
 * run). Autovacuum still merges the list in the background as before.
 */
export class ItemSearchSmallPendingList1796050000000 implements MigrationInterface {
  name = 'ItemSearchSmallPendingList1796050000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER INDEX "public"."items_search_idx" SET (gin_pending_list_limit = 256)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER INDEX "public"."items_search_idx" RESET (gin_pending_list_limit)`);
  }
}
