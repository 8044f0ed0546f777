import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ThermalBudget1796106458284 implements MigrationInterface {
  name = 'ThermalBudget1796106458284';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tracking"."route_steps" ADD "max_temperature_c" double precision`);
    await queryRunner.query(`ALTER TABLE "tracking"."rolls" ADD "electrochemical_state" character varying(8) NOT NULL DEFAULT 'AS_MADE'`);
    await queryRunner.query(`ALTER TABLE "tracking"."sheets" ADD "electrochemical_state" character varying(8) NOT NULL DEFAULT 'AS_MADE'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tracking"."sheets" DROP COLUMN "electrochemical_state"`);
    await queryRunner.query(`ALTER TABLE "tracking"."rolls" DROP COLUMN "electrochemical_state"`);
    await queryRunner.query(`ALTER TABLE "tracking"."route_steps" DROP COLUMN "max_temperature_c"`);
  }
}
