import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RuleSetStatus = 'DRAFT' | 'RELEASED';

/**
 * A version of a product's bin rule set (@mes/binning RuleSet as JSON, its `version` equal to the
 * row's). Version 1 is the library's default as-made rule set, created on first use; engineers add
 * DRAFTs and release them. The newest RELEASED version is the one new tests and re-binning use.
 */
@Entity({ schema: 'test_data', name: 'rule_sets' })
export class RuleSetEntity {
  @PrimaryColumn({ name: 'product_code', type: 'varchar', length: 64 })
  productCode!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: RuleSetStatus;

  @Column({ name: 'rule_set', type: 'jsonb' })
  ruleSet!: object;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'released_by', type: 'varchar', length: 64, nullable: true })
  releasedBy!: string | null;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}

export type RebinStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

/** An engineer's request to re-bin the tests of a sheet, a roll or a date range with the newest released rule sets. */
@Entity({ schema: 'test_data', name: 'rebin_requests' })
export class RebinRequestEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** { sheet } | { roll } | { receivedFrom, receivedTo } (ISO times, the range half-open). */
  @Column({ type: 'jsonb' })
  scope!: { sheet?: string; roll?: string; receivedFrom?: string; receivedTo?: string };

  @Column({ type: 'varchar', length: 12 })
  status!: RebinStatus;

  @Column({ name: 'tests_in_scope', type: 'integer', nullable: true })
  testsInScope!: number | null;

  @Column({ name: 'tests_rebinned', type: 'integer', nullable: true })
  testsRebinned!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'requested_by', type: 'varchar', length: 64 })
  requestedBy!: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
