import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The test-data service's audit trail (rigs, test policies, rule sets, re-binning). Append-only:
 * written in the transaction of the change it records; a database trigger (see its migration)
 * refuses UPDATE and DELETE, so the application cannot rewrite history.
 */
@Entity({ schema: 'test_data', name: 'audit_records' })
@Index('ix_test_data_audit_entity', ['entityType', 'entityKey'])
export class TestDataAuditRecordEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  @Column({ type: 'varchar', length: 48 })
  action!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType!: string;

  @Column({ name: 'entity_key', type: 'varchar', length: 128 })
  entityKey!: string;

  @Column({ type: 'jsonb', nullable: true })
  before!: object | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: object | null;
}
