import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EquipmentKeyLifecycle1796173825639 implements MigrationInterface {
  name = 'EquipmentKeyLifecycle1796173825639';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "process"."equipment" ADD "key_issued_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "process"."equipment" ADD "key_revoked_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "process"."equipment" DROP COLUMN "key_revoked_at"`);
    await queryRunner.query(`ALTER TABLE "process"."equipment" DROP COLUMN "key_issued_at"`);
  }
}
