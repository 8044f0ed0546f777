import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StackRoute1796173857937 implements MigrationInterface {
  name = 'StackRoute1796173857937';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" ADD "step" character varying(32) NOT NULL DEFAULT 'STACKING'`);
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" ADD "electrochemical_state" character varying(8) NOT NULL DEFAULT 'AS_MADE'`);
    // Stacks tested before the route was kept were at their final test.
    await queryRunner.query(`UPDATE "assembly"."stacks" SET "step" = 'STACK_TEST' WHERE "status" = 'TESTED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" DROP COLUMN "electrochemical_state"`);
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" DROP COLUMN "step"`);
  }
}
