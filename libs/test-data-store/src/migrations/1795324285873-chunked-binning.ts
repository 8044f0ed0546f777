import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ChunkedBinning1795324285873 implements MigrationInterface {
  name = 'ChunkedBinning1795324285873';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."cell_features" ("sheet_test_id" uuid NOT NULL, "row" smallint NOT NULL, "col" smallint NOT NULL, "status" text NOT NULL, "ocv_v" double precision, "features" jsonb, CONSTRAINT "PK_50decb87e7bea3b2dd9d5503559" PRIMARY KEY ("sheet_test_id", "row", "col"))`);
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" ADD "disposition" character varying(20)`);
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" ADD "disposed_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" DROP COLUMN "disposed_at"`);
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" DROP COLUMN "disposition"`);
    await queryRunner.query(`DROP TABLE "test_data"."cell_features"`);
  }
}
