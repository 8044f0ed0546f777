import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each stack product keeps its own route (with step temperatures); existing products keep the route every stack had. */
export class StackProductRoute1796180000000 implements MigrationInterface {
  name = 'StackProductRoute1796180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "assembly"."stack_products" ADD "route" jsonb NOT NULL DEFAULT '[{"operation":"STACKING","maxTemperatureC":null},{"operation":"FORMATION","maxTemperatureC":null},{"operation":"STACK_TEST","maxTemperatureC":null}]'::jsonb`,
    );
    // Every new product is given its route by the service.
    await queryRunner.query(`ALTER TABLE "assembly"."stack_products" ALTER COLUMN "route" DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assembly"."stack_products" DROP COLUMN "route"`);
  }
}
