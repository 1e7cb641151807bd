import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An item's full-text document moves out of `items` into `item_search` (one row per item, its
 * tsvector stored), and the GIN index with it.
 *
 * Why: Postgres inserts a new entry into every index of a table on each update that is not HOT,
 * and a claim, a release or a decision is never HOT (status and review_state are indexed). The
 * expression index items_search_idx therefore re-tokenised an item's input and output on every
 * status change: three times per claim + decide, to store the same words again. With 2 KB of
 * text in input and 2 KB in output that was ~240 µs of Postgres CPU per update (10k updates:
 * 32 ms without the index, 2.4 s with it), and the review benchmark with such items went from
 * ~940 to ~1 730 µs of Postgres CPU per cycle.
 *
 * The document is written by triggers, so no writer of `items` can forget it: once per INSERT
 * statement (a transition table, so a 500-item batch is one INSERT … SELECT), and on an UPDATE
 * only when external_id, input, output or reasons actually change (a report adds a reason; a
 * privacy erasure blanks input and output). Its expression is the one items_search_idx was
 * built on, so search answers exactly as before.
 */
const DOCUMENT = (prefix: string) =>
  `to_tsvector('simple'::regconfig, COALESCE(${prefix}external_id, ''::text))` +
  ` || jsonb_to_tsvector('simple'::regconfig, COALESCE(${prefix}input, 'null'::jsonb), '["string"]'::jsonb)` +
  ` || jsonb_to_tsvector('simple'::regconfig, ${prefix}output, '["string"]'::jsonb)` +
  ` || jsonb_to_tsvector('simple'::regconfig, ${prefix}reasons, '["string"]'::jsonb)`;

export class ItemSearchDocuments1796060000000 implements MigrationInterface {
  name = 'ItemSearchDocuments1796060000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "item_search" ("item_id" uuid NOT NULL, "document" tsvector NOT NULL, CONSTRAINT "PK_item_search" PRIMARY KEY ("item_id"), CONSTRAINT "FK_item_search_item" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `INSERT INTO "item_search" ("item_id", "document") SELECT i.id, ${DOCUMENT('i.')} FROM "items" i`,
    );
    // A small pending list, as items_search_idx had (migration 1796050000000 says why).
    await queryRunner.query(
      `CREATE INDEX "item_search_document_idx" ON "item_search" USING gin ("document") WITH (gin_pending_list_limit = 256)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION item_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO item_search (item_id, document) SELECT n.id, ${DOCUMENT('n.')} FROM inserted_items n;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER items_search_inserted AFTER INSERT ON "items" REFERENCING NEW TABLE AS inserted_items FOR EACH STATEMENT EXECUTE FUNCTION item_search_inserted()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION item_search_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE item_search SET document = ${DOCUMENT('NEW.')} WHERE item_id = NEW.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER items_search_updated AFTER UPDATE OF external_id, input, output, reasons ON "items" FOR EACH ROW
       WHEN (OLD.external_id IS DISTINCT FROM NEW.external_id OR OLD.input IS DISTINCT FROM NEW.input
             OR OLD.output IS DISTINCT FROM NEW.output OR OLD.reasons IS DISTINCT FROM NEW.reasons)
       EXECUTE FUNCTION item_search_updated()`,
    );
    await queryRunner.query(`DROP INDEX "public"."items_search_idx"`);
    // Word statistics deep enough to tell a rare word from a common one. With the default (100),
    // a word outside the sampled most-common list was estimated at ~0.1 % of items (a rare one
    // is ~0.02 % in the search benchmark), so the planner walked every item newest first and
    // checked each document (0.7 s at 1M items) instead of reading the word's ~200 items from
    // the GIN index (3 ms). The expression index it replaces never had that choice: checking an
    // item there meant tokenising it, which priced the walk out.
    await queryRunner.query(
      `ALTER TABLE "item_search" ALTER COLUMN "document" SET STATISTICS 1000`,
    );
    await queryRunner.query(`ANALYZE "item_search"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "items_search_idx" ON "items" USING gin ((${DOCUMENT('')})) WITH (gin_pending_list_limit = 256)`,
    );
    await queryRunner.query(`DROP TRIGGER items_search_updated ON "items"`);
    await queryRunner.query(`DROP FUNCTION item_search_updated()`);
    await queryRunner.query(`DROP TRIGGER items_search_inserted ON "items"`);
    await queryRunner.query(`DROP FUNCTION item_search_inserted()`);
    await queryRunner.query(`DROP TABLE "item_search"`);
  }
}
