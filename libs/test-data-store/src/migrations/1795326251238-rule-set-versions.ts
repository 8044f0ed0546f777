import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RuleSetVersions1795326251238 implements MigrationInterface {
  name = 'RuleSetVersions1795326251238';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."rule_sets" ("product_code" character varying(64) NOT NULL, "version" integer NOT NULL, "name" character varying(64) NOT NULL, "status" character varying(12) NOT NULL, "rule_set" jsonb NOT NULL, "created_by" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "released_by" character varying(64), "released_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_20926da55647a03424896bfdfb0" PRIMARY KEY ("product_code", "version"))`);
    await queryRunner.query(`CREATE TABLE "test_data"."rebin_requests" ("id" uuid NOT NULL, "scope" jsonb NOT NULL, "status" character varying(12) NOT NULL, "tests_in_scope" integer, "tests_rebinned" integer, "error" text, "requested_by" character varying(64) NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_08280552752a60c3222397f0769" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "test_data"."rebin_requests"`);
    await queryRunner.query(`DROP TABLE "test_data"."rule_sets"`);
  }
}
