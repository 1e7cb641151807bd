import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * item_search's foreign key to items goes; a statement trigger on items keeps its ON DELETE
 * CASCADE.
 *
 * Why: a foreign key checks every inserted row with a query of its own (a row-level trigger
 * running `SELECT 1 FROM items … FOR KEY SHARE`). item_search rows are only ever written by the
 * triggers on items, from the very item rows being inserted or updated, so the check can never
 * fail; in 500-item batches it cost ~3-5 µs of Postgres CPU per item (of ~60). Verdict never
 * deletes items; a delete by hand still takes the
 * document with it (items_search_deleted), as the cascade did.
 */
export class ItemSearchCascadeByTrigger1796080000000 implements MigrationInterface {
  name = 'ItemSearchCascadeByTrigger1796080000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "item_search" DROP CONSTRAINT "FK_item_search_item"`);
    await queryRunner.query(`
      CREATE FUNCTION item_search_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM item_search s USING deleted_items d WHERE s.item_id = d.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER items_search_deleted AFTER DELETE ON "items" REFERENCING OLD TABLE AS deleted_items FOR EACH STATEMENT EXECUTE FUNCTION item_search_deleted()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER items_search_deleted ON "items"`);
    await queryRunner.query(`DROP FUNCTION item_search_deleted()`);
    // Documents of items deleted meanwhile would fail the constraint: they go first.
    await queryRunner.query(
      `DELETE FROM "item_search" s WHERE NOT EXISTS (SELECT 1 FROM "items" i WHERE i.id = s.item_id)`,
    );
    await queryRunner.query(
      `ALTER TABLE "item_search" ADD CONSTRAINT "FK_item_search_item" FOREIGN KEY ("item_id") REFERENCES "items"("id") ON DELETE CASCADE`,
    );
  }
}
