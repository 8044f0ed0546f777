import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The EIS features of one cell in one test, written by the fit-cells chunk that fitted it (once:
 * ON CONFLICT DO NOTHING). Binning and re-binning read these, never the raw spectra again.
 */
@Entity({ schema: 'test_data', name: 'cell_features' })
export class CellFeatureEntity {
  @PrimaryColumn({ name: 'sheet_test_id', type: 'uuid' })
  sheetTestId!: string;

  @PrimaryColumn({ type: 'smallint' })
  row!: number;

  @PrimaryColumn({ type: 'smallint' })
  col!: number;

  /** The test's received_at: the partition key (by month, see partitions.ts). */
  @PrimaryColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'text' })
  status!: 'OK' | 'NO_CONTACT';

  @Column({ name: 'ocv_v', type: 'double precision', nullable: true })
  ocvV!: number | null;

  /** Every feature the EIS library computed (non-finite values as null); null without a spectrum. */
  @Column({ type: 'jsonb', nullable: true })
  features!: object | null;
}
