import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One failed login: the username as typed and the client's address. The login throttle counts the
 * recent ones per username and per address (`@mes/auth` decideLogin); rows older than the window
 * count for nothing and are deleted as new failures come.
 */
@Entity({ schema: 'tracking', name: 'login_failures' })
@Index('login_failures_username_idx', ['username', 'failedAt'])
@Index('login_failures_address_idx', ['address', 'failedAt'])
export class LoginFailureEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 64 })
  address!: string;

  @Column({ name: 'failed_at', type: 'timestamptz', default: () => 'now()' })
  failedAt!: Date;
}
