import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A product's sheet-test policy (see @mes/binning TestPolicy); products without a row use the defaults. */
@Entity({ schema: 'test_data', name: 'product_test_policies' })
export class ProductTestPolicyEntity {
  @PrimaryColumn({ name: 'product_code', type: 'varchar', length: 64 })
  productCode!: string;

  @Column({ name: 'max_retests', type: 'smallint' })
  maxRetests!: number;

  @Column({ name: 'yield_hold_below', type: 'double precision' })
  yieldHoldBelow!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 64 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
