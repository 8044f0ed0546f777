import type { MigrationInterface, QueryRunner } from 'typeorm';

export class YieldAnalytics1796104028771 implements MigrationInterface {
  name = 'YieldAnalytics1796104028771';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "test_data"."spc_charts" ("id" uuid NOT NULL, "product_code" character varying(64) NOT NULL, "name" character varying(100) NOT NULL, "metric" character varying(16) NOT NULL, "statistic" character varying(16) NOT NULL, "chart_type" character varying(8) NOT NULL, "zones" smallint NOT NULL, "zone" smallint, "rules" text array NOT NULL, "hold_on_violation" boolean NOT NULL DEFAULT true, "limits_version" integer NOT NULL DEFAULT '0', "created_by" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b5b941cb0f90e9820cac143637a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_spc_charts_name" ON "test_data"."spc_charts"  ("product_code", "name") `);
    await queryRunner.query(`CREATE TABLE "test_data"."spc_limits" ("chart_id" uuid NOT NULL, "version" integer NOT NULL, "centre" double precision NOT NULL, "sigma" double precision NOT NULL, "dispersion_centre" double precision NOT NULL, "baseline_sheets" text array NOT NULL, "reason" text NOT NULL, "frozen_by" character varying(64) NOT NULL, "frozen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4e3bc706a35b6d30851aff7edea" PRIMARY KEY ("chart_id", "version"))`);
    await queryRunner.query(`CREATE TABLE "test_data"."spc_points" ("chart_id" uuid NOT NULL, "sheet_barcode" character varying(64) NOT NULL, "seq" bigint NOT NULL, "roll_barcode" character varying(64) NOT NULL, "sheet_test_id" uuid NOT NULL, "md_from_mm" double precision, "md_to_mm" double precision, "value" double precision NOT NULL, "n" integer, "spread" double precision, "z" double precision, "limits_version" integer NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_77820f28dfd6c1203f6473b1b72" PRIMARY KEY ("chart_id", "sheet_barcode"))`);
    await queryRunner.query(`CREATE INDEX "ix_spc_points_seq" ON "test_data"."spc_points"  ("chart_id", "seq") `);
    await queryRunner.query(`CREATE TABLE "test_data"."spc_events" ("id" uuid NOT NULL, "chart_id" uuid NOT NULL, "rule" character varying(16) NOT NULL, "limits_version" integer NOT NULL, "at_sheet" character varying(64) NOT NULL, "points" jsonb NOT NULL, "reason" text NOT NULL, "holds" jsonb NOT NULL DEFAULT '[]', "hold_error" text, "status" character varying(16) NOT NULL DEFAULT 'OPEN', "acknowledged_by" character varying(64), "acknowledged_at" TIMESTAMP WITH TIME ZONE, "ack_comment" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9b81ac382f27cae557a33d64de4" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_spc_events_status" ON "test_data"."spc_events"  ("status", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_spc_events_rule_at" ON "test_data"."spc_events"  ("chart_id", "rule", "at_sheet") `);
    await queryRunner.query(`CREATE TABLE "test_data"."sheet_patterns" ("sheet_barcode" character varying(64) NOT NULL, "roll_barcode" character varying(64) NOT NULL, "sheet_test_id" uuid NOT NULL, "classes" text array NOT NULL, "findings" jsonb NOT NULL, "fail_rate" double precision NOT NULL, "classified_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6ae5b616a03068af3a25cb6064b" PRIMARY KEY ("sheet_barcode"))`);
    await queryRunner.query(`CREATE INDEX "ix_sheet_patterns_roll" ON "test_data"."sheet_patterns"  ("roll_barcode") `);
    await queryRunner.query(`CREATE TABLE "test_data"."roll_patterns" ("roll_barcode" character varying(64) NOT NULL, "sheets" integer NOT NULL, "classes" text array NOT NULL, "findings" jsonb NOT NULL, "fail_rate" double precision NOT NULL, "classified_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_1517288b7ba8133ce2bb6693d6f" PRIMARY KEY ("roll_barcode"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "test_data"."roll_patterns"`);
    await queryRunner.query(`DROP INDEX "test_data"."ix_sheet_patterns_roll"`);
    await queryRunner.query(`DROP TABLE "test_data"."sheet_patterns"`);
    await queryRunner.query(`DROP INDEX "test_data"."ux_spc_events_rule_at"`);
    await queryRunner.query(`DROP INDEX "test_data"."ix_spc_events_status"`);
    await queryRunner.query(`DROP TABLE "test_data"."spc_events"`);
    await queryRunner.query(`DROP INDEX "test_data"."ix_spc_points_seq"`);
    await queryRunner.query(`DROP TABLE "test_data"."spc_points"`);
    await queryRunner.query(`DROP TABLE "test_data"."spc_limits"`);
    await queryRunner.query(`DROP INDEX "test_data"."ux_spc_charts_name"`);
    await queryRunner.query(`DROP TABLE "test_data"."spc_charts"`);
  }
}
