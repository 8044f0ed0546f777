import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Process settings of a product that tracking does not own: the LCO utilization behind predicted capacity. */
@Entity({ schema: 'process', name: 'product_settings' })
export class ProductSettingsEntity {
  @PrimaryColumn({ name: 'product_code', type: 'varchar', length: 32 })
  productCode!: string;

  @Column({ name: 'lco_utilization', type: 'double precision' })
  lcoUtilization!: number;

  @Column({ name: 'updated_by', type: 'varchar', length: 64 })
  updatedBy!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
