import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProductTestPolicies1795326058217 implements MigrationInterface {
  name = 'ProductTestPolicies1795326058217';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."product_test_policies" ("product_code" character varying(64) NOT NULL, "max_retests" smallint NOT NULL, "yield_hold_below" double precision NOT NULL, "updated_by" character varying(64) NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_159fbbc424e8a5173c5eb97b7e5" PRIMARY KEY ("product_code"))`);
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" ADD "product_code" character varying(64)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "test_data"."sheet_tests" DROP COLUMN "product_code"`);
    await queryRunner.query(`DROP TABLE "test_data"."product_test_policies"`);
  }
}
