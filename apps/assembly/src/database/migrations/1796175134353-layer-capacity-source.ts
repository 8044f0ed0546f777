import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LayerCapacitySource1796175134353 implements MigrationInterface {
  name = 'LayerCapacitySource1796175134353';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assembly"."singulated_cells" ADD "capacity_source" character varying(10) NOT NULL DEFAULT 'NOMINAL'`);
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" ADD "layer_capacity_mah" double precision`);
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" ADD "layers_source" character varying(10) NOT NULL DEFAULT 'NOMINAL'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" DROP COLUMN "layers_source"`);
    await queryRunner.query(`ALTER TABLE "assembly"."stacks" DROP COLUMN "layer_capacity_mah"`);
    await queryRunner.query(`ALTER TABLE "assembly"."singulated_cells" DROP COLUMN "capacity_source"`);
  }
}
