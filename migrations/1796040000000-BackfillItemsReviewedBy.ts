import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `items.reviewed_by` (who already reviewed the item, so a claim never hands it to them again)
 * was added empty by ItemsReviewedBy1795309651980: items reviewed before that, and still in the
 * review line (consensus rounds, escalations, reports), could go back to a reviewer who had
 * already reviewed them. Fills it from the reviews themselves. Only rows whose list misses
 * someone are written, so running it on an up-to-date database changes nothing.
 */
export class BackfillItemsReviewedBy1796040000000 implements MigrationInterface {
  name = 'BackfillItemsReviewedBy1796040000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "items" i
          SET "reviewed_by" = ARRAY(SELECT DISTINCT unnest(i.reviewed_by || r.reviewers))
         FROM (SELECT item_id, array_agg(DISTINCT reviewer_id) AS reviewers
                 FROM "reviews" WHERE reviewer_id IS NOT NULL GROUP BY item_id) r
        WHERE r.item_id = i.id AND NOT (i.reviewed_by @> r.reviewers)`,
    );
  }

  public async down(): Promise<void> {
    // Nothing to undo: the list is what the reviews say, and the earlier schema has the column.
  }
}
