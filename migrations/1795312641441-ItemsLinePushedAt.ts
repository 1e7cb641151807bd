import { MigrationInterface, QueryRunner } from "typeorm";

export class ItemsLinePushedAt1795312641441 implements MigrationInterface {
    name = 'ItemsLinePushedAt1795312641441'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "items" ADD "line_pushed_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`CREATE INDEX "items_line_unpushed_idx" ON "items"  ("queued_at") WHERE line_pushed_at IS NULL AND review_state <> 'none'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."items_line_unpushed_idx"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "line_pushed_at"`);
    }

}
