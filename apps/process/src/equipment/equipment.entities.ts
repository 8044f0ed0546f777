import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { E10State } from '@mes/process';

/**
 * The process view of a piece of equipment (tracking owns its identity and station): SEMI E10
 * state, the sputter target's life, deposition-zone offsets and the key it posts traces with.
 */
@Entity({ schema: 'process', name: 'equipment' })
export class EquipmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ name: 'e10_state', type: 'varchar', length: 20 })
  e10State!: E10State;

  @Column({ name: 'state_since', type: 'timestamptz' })
  stateSince!: Date;

  @Column({ name: 'key_hash', type: 'char', length: 64, nullable: true })
  keyHash!: string | null;

  /** When the current trace key was issued; null without a key. */
  @Column({ name: 'key_issued_at', type: 'timestamptz', nullable: true })
  keyIssuedAt!: Date | null;

  /** When an admin last revoked the trace key (cleared when a new one is issued). */
  @Column({ name: 'key_revoked_at', type: 'timestamptz', nullable: true })
  keyRevokedAt!: Date | null;

  @Column({ name: 'target_id', type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  /** Energy a target may take before it must be changed; null: not counted. */
  @Column({ name: 'target_life_kwh', type: 'double precision', nullable: true })
  targetLifeKwh!: number | null;

  @Column({ name: 'target_consumed_kwh', type: 'double precision', default: 0 })
  targetConsumedKwh!: number;

  /** Where each trace channel's zone sits relative to the MD reference (the encoder), mm. */
  @Column({ name: 'zone_offsets_mm', type: 'jsonb' })
  zoneOffsetsMm!: Record<string, number>;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

@Entity({ schema: 'process', name: 'equipment_state_changes' })
@Index('ix_equipment_state_changes_code', ['equipmentCode', 'at'])
export class EquipmentStateChangeEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ name: 'equipment_code', type: 'varchar', length: 32 })
  equipmentCode!: string;

  @Column({ name: 'from_state', type: 'varchar', length: 20, nullable: true })
  fromState!: E10State | null;

  @Column({ name: 'to_state', type: 'varchar', length: 20 })
  toState!: E10State;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'changed_by', type: 'varchar', length: 64 })
  changedBy!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;
}
