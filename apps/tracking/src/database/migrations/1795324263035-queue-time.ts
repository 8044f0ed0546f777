import type { MigrationInterface, QueryRunner } from 'typeorm';

export class QueueTime1795324263035 implements MigrationInterface {
  name = 'QueueTime1795324263035';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tracking"."holds" ADD "queue_route_step_id" bigint`);
    await queryRunner.query(`ALTER TABLE "tracking"."holds" ADD "queue_from_event_id" bigint`);
    await queryRunner.query(`ALTER TABLE "tracking"."route_steps" ADD "vacuum" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "tracking"."route_steps" ADD "max_queue_minutes" integer`);
    await queryRunner.query(`CREATE INDEX "ix_holds_queue_from_event" ON "tracking"."holds"  ("queue_from_event_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "tracking"."ix_holds_queue_from_event"`);
    await queryRunner.query(`ALTER TABLE "tracking"."route_steps" DROP COLUMN "max_queue_minutes"`);
    await queryRunner.query(`ALTER TABLE "tracking"."route_steps" DROP COLUMN "vacuum"`);
    await queryRunner.query(`ALTER TABLE "tracking"."holds" DROP COLUMN "queue_from_event_id"`);
    await queryRunner.query(`ALTER TABLE "tracking"."holds" DROP COLUMN "queue_route_step_id"`);
  }
}
