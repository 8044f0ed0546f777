import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Role } from '@mes/auth';
import { LoginFailureEntity } from './login-failure.entity';
import { UserEntity } from './user.entity';

/** Users and failed logins; a write takes the manager of the service's transaction (with its audit record). */
@Injectable()
export class IdentityRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  userByName(username: string, m: EntityManager = this.db.manager): Promise<UserEntity | null> {
    return m.findOne(UserEntity, { where: { username } });
  }

  users(): Promise<UserEntity[]> {
    return this.db.getRepository(UserEntity).find({ order: { username: 'ASC' } });
  }

  userExists(username: string): Promise<boolean> {
    return this.db.getRepository(UserEntity).exists({ where: { username } });
  }

  insertUser(m: EntityManager, user: { username: string; passwordHash: string; role: Role; active: boolean }): Promise<UserEntity> {
    return m.save(m.create(UserEntity, user));
  }

  /** The bootstrap admin, unless another process made it first. */
  async insertAdminUnlessPresent(m: EntityManager, passwordHash: string): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({ username: 'admin', passwordHash, role: Role.ADMIN, active: true })
      .orIgnore()
      .execute();
  }

  async insertLoginFailure(m: EntityManager, failure: { username: string; address: string }): Promise<void> {
    await m.insert(LoginFailureEntity, failure);
  }

  /** Drops the failures of a username or an address older than the throttle's window (they count no more). */
  async dropLoginFailuresBefore(m: EntityManager, username: string, address: string, windowSeconds: number): Promise<void> {
    await m.query(
      `DELETE FROM tracking.login_failures WHERE (username = $1 OR address = $2) AND failed_at < now() - make_interval(secs => $3)`,
      [username, address, windowSeconds],
    );
  }

  async clearLoginFailures(m: EntityManager, username: string): Promise<void> {
    await m.delete(LoginFailureEntity, { username });
  }

  /** When a username's or an address's latest failures were, newest first, within the window. */
  async recentLoginFailures(column: 'username' | 'address', value: string, windowSeconds: number, limit: number): Promise<Date[]> {
    const rows = (await this.db.query(
      `SELECT failed_at FROM tracking.login_failures WHERE ${column} = $1 AND failed_at > now() - make_interval(secs => $2)
        ORDER BY failed_at DESC LIMIT $3`,
      [value, windowSeconds, limit],
    )) as { failed_at: Date }[];
    return rows.map((r) => new Date(r.failed_at));
  }

  /** The database's clock: every process judges the throttle window and signature times by one clock. */
  async now(): Promise<Date> {
    const [now] = (await this.db.query('SELECT now() AS now')) as { now: Date }[];
    return new Date(now.now);
  }
}
