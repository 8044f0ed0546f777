import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only: written in the transaction of the change it records. A database trigger (see the
 * initial migration) refuses UPDATE and DELETE, so the application cannot rewrite history.
 */
@Entity({ schema: 'tracking', name: 'audit_records' })
@Index('ix_audit_entity', ['entityType', 'entityKey'])
export class AuditRecordEntity {
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
