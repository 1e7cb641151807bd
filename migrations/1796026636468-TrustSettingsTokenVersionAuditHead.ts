import { MigrationInterface, QueryRunner } from "typeorm";

export class TrustSettingsTokenVersionAuditHead1796026636468 implements MigrationInterface {
    name = 'TrustSettingsTokenVersionAuditHead1796026636468'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "settings" ("key" text NOT NULL, "value" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c8639b7626fa94ba8265628f214" PRIMARY KEY ("key"))`);
        await queryRunner.query(`ALTER TABLE "users" ADD "token_version" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "items" ADD "audit_head" text`);
        await queryRunner.query(`ALTER TABLE "items" ADD "audit_legacy_seq" integer NOT NULL DEFAULT '0'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "audit_legacy_seq"`);
        await queryRunner.query(`ALTER TABLE "items" DROP COLUMN "audit_head"`);
        await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
        await queryRunner.query(`DROP TABLE "settings"`);
    }

}
