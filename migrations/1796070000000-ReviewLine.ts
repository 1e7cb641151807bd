import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review line gets its own narrow table, `review_line`: one row per waiting item (its queue,
 * rank, queued_at), with the claim's index on it. Claims read it; triggers on `items` write it.
 *
 * Why: a claim walks the line in hand-out order from its head. On `items` that walk went through
 * the partial index items_review_line_idx, and every claim leaves the index entry of the item it
 * took behind (a claim is never a HOT update). Those entries sit exactly at the head of the line,
 * where every later claim starts, until a VACUUM of `items` removes them; and autovacuum visits a
 * table at most once a minute, and `items` only after a fifth of it has changed (200k updates at
 * 1M items). Measured with 16 reviewers looping over 40k items: the claim's line scan read 196
 * buffers (0.46 ms) before a VACUUM and 34 (0.03 ms) after it; Postgres spent 850 µs per review
 * cycle, 713-747 µs with a VACUUM every second. At 1M items the walk would reach tens of
 * thousands of dead entries. VACUUM of `items` itself (every index of the table) is far too
 * expensive to run often; a table of waiting items only, with one index, is cheap to vacuum, so
 * Verdict vacuums it itself after claims (ReviewLineVacuum).
 *
 * The triggers follow item_search's (migration 1796060000000): no writer of `items` can forget
 * the line. Inserts are handled once per statement through a transition table; an update fires
 * only when an item enters, leaves or moves in the line (a decision on a claimed item does not
 * fire it). The line row keeps the item's routing too, so queue stats count the line from this
 * table alone, and items_review_line_idx, which nothing reads any more, is dropped (one index
 * less to write per submission and per claim). No foreign key: items are never deleted by Verdict, and the claim joins
 * `items` anyway; a delete by hand takes the line row with it (items_review_line_deleted).
 */
export class ReviewLine1796070000000 implements MigrationInterface {
  name = 'ReviewLine1796070000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "review_line" ("item_id" uuid NOT NULL, "queue_id" uuid NOT NULL, "review_rank" smallint, "queued_at" TIMESTAMP WITH TIME ZONE, "routing" text NOT NULL, CONSTRAINT "PK_review_line" PRIMARY KEY ("item_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "review_line" ("item_id", "queue_id", "review_rank", "queued_at", "routing")
       SELECT id, queue_id, review_rank, queued_at, routing FROM "items" WHERE review_state = 'waiting'`,
    );
    await queryRunner.query(
      `CREATE INDEX "review_line_order_idx" ON "review_line" ("queue_id", "review_rank", "queued_at", "item_id")`,
    );
    await queryRunner.query(`
      CREATE FUNCTION review_line_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO review_line (item_id, queue_id, review_rank, queued_at, routing)
        SELECT n.id, n.queue_id, n.review_rank, n.queued_at, n.routing FROM inserted_items n
        WHERE n.review_state = 'waiting';
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER items_review_line_inserted AFTER INSERT ON "items" REFERENCING NEW TABLE AS inserted_items FOR EACH STATEMENT EXECUTE FUNCTION review_line_inserted()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION review_line_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.review_state = 'waiting' THEN
          INSERT INTO review_line (item_id, queue_id, review_rank, queued_at, routing)
          VALUES (NEW.id, NEW.queue_id, NEW.review_rank, NEW.queued_at, NEW.routing)
          ON CONFLICT (item_id) DO UPDATE SET queue_id = EXCLUDED.queue_id,
            review_rank = EXCLUDED.review_rank, queued_at = EXCLUDED.queued_at,
            routing = EXCLUDED.routing;
        ELSE
          DELETE FROM review_line WHERE item_id = OLD.id;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER items_review_line_updated AFTER UPDATE OF review_state, review_rank, queued_at, queue_id, routing ON "items" FOR EACH ROW
       WHEN ((OLD.review_state = 'waiting' OR NEW.review_state = 'waiting')
             AND (OLD.review_state IS DISTINCT FROM NEW.review_state OR OLD.review_rank IS DISTINCT FROM NEW.review_rank
                  OR OLD.queued_at IS DISTINCT FROM NEW.queued_at OR OLD.queue_id IS DISTINCT FROM NEW.queue_id
                  OR OLD.routing IS DISTINCT FROM NEW.routing))
       EXECUTE FUNCTION review_line_updated()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION review_line_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM review_line l USING deleted_items d WHERE l.item_id = d.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER items_review_line_deleted AFTER DELETE ON "items" REFERENCING OLD TABLE AS deleted_items FOR EACH STATEMENT EXECUTE FUNCTION review_line_deleted()`,
    );
    await queryRunner.query(`DROP INDEX "public"."items_review_line_idx"`);
    await queryRunner.query(`ANALYZE "review_line"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "items_review_line_idx" ON "items" ("queue_id", "review_rank", "queued_at", "id") WHERE review_state = 'waiting'`,
    );
    await queryRunner.query(`DROP TRIGGER items_review_line_deleted ON "items"`);
    await queryRunner.query(`DROP FUNCTION review_line_deleted()`);
    await queryRunner.query(`DROP TRIGGER items_review_line_updated ON "items"`);
    await queryRunner.query(`DROP FUNCTION review_line_updated()`);
    await queryRunner.query(`DROP TRIGGER items_review_line_inserted ON "items"`);
    await queryRunner.query(`DROP FUNCTION review_line_inserted()`);
    await queryRunner.query(`DROP TABLE "review_line"`);
  }
}
