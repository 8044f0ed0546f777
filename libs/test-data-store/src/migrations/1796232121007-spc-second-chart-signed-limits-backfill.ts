import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SpcSecondChartSignedLimitsBackfill1796232121007 implements MigrationInterface {
  name = 'SpcSecondChartSignedLimitsBackfill1796232121007';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "test_data"."ux_spc_events_rule_at"`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_charts" ADD "backfill_pending" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_limits" ADD "signature_meaning" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_points" ADD "dispersion" double precision`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_points" ADD "dispersion_z" double precision`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_events" ADD "panel" character varying(12) NOT NULL DEFAULT 'MAIN'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_spc_events_at_sheet" ON "test_data"."spc_events"  ("chart_id", "at_sheet", "panel", "rule") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "test_data"."ux_spc_events_at_sheet"`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_events" DROP COLUMN "panel"`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_points" DROP COLUMN "dispersion_z"`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_points" DROP COLUMN "dispersion"`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_limits" DROP COLUMN "signature_meaning"`);
    await queryRunner.query(`ALTER TABLE "test_data"."spc_charts" DROP COLUMN "backfill_pending"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_spc_events_rule_at" ON "test_data"."spc_events" USING btree ("chart_id", "rule", "at_sheet") `);
  }
}
