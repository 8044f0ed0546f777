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
