import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RigOperation1796180000000 implements MigrationInterface {
  name = 'RigOperation1796180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Rigs registered before stack-test rigs existed are all at SHEET_TEST stations.
    await queryRunner.query(`ALTER TABLE "test_data"."rigs" ADD "operation" character varying(32) NOT NULL DEFAULT 'SHEET_TEST'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."rigs" DROP COLUMN "operation"`);
  }
}
