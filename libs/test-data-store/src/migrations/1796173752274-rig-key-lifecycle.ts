import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RigKeyLifecycle1796173752274 implements MigrationInterface {
  name = 'RigKeyLifecycle1796173752274';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."rigs" ADD "key_issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "test_data"."rigs" ADD "key_revoked_at" TIMESTAMP WITH TIME ZONE`);
    // Rigs registered before: their key is as old as the rig.
    await queryRunner.query(`UPDATE "test_data"."rigs" SET "key_issued_at" = "created_at"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."rigs" DROP COLUMN "key_revoked_at"`);
    await queryRunner.query(`ALTER TABLE "test_data"."rigs" DROP COLUMN "key_issued_at"`);
  }
}
