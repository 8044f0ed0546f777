import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A test rig registered at a station; its API key is stored only as a SHA-256 hash. */
@Entity({ schema: 'test_data', name: 'rigs' })
export class RigEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name!: string;

  @Column({ name: 'station_code', type: 'varchar', length: 32 })
  stationCode!: string;

  /**
   * What its station performs (SHEET_TEST, STACK_TEST or INSPECTION), taken from tracking at registration: the
   * ingest decides what a key may post without asking tracking, so a rig's post never waits on it.
   */
  @Column({ type: 'varchar', length: 32, default: 'SHEET_TEST' })
  operation!: string;

  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the current key was issued (at registration, then at each rotation). */
  @Column({ name: 'key_issued_at', type: 'timestamptz', default: () => 'now()' })
  keyIssuedAt!: Date;

  /** Set when an admin revoked the key: the rig is refused until its key is rotated. */
  @Column({ name: 'key_revoked_at', type: 'timestamptz', nullable: true })
  keyRevokedAt!: Date | null;
}
