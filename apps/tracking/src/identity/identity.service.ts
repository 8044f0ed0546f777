import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import {
  decideLogin,
  DEFAULT_LOGIN_THROTTLE,
  Role,
  TokenService,
  type Actor,
  type LoginThrottlePolicy,
  type SignatureInput,
  type VerifiedSignature,
} from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { IdentityRepository } from './identity.repository';
import type { UserEntity } from './user.entity';
import type { CreateUserInput } from './identity.model';

// A hash to compare against when the user does not exist, so a wrong username costs the same time.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$Vb3nt8yW6P3pMpB3n3C/+o9kQ0a+Yl3xY7o3tZ9bIJc';

@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);
  private readonly throttle: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly users: IdentityRepository,
  ) {}

  /**
   * Check a username and password, unless the username or the client's address failed too often of
   * late (`@mes/auth` decideLogin): then the attempt is refused before the password is looked at,
   * with the seconds to wait. Failures are stored per username and address; a success clears the
   * username's. Two attempts racing may each see the count before the other's failure: the limit
   * can be passed by the number of attempts in flight, not more.
   */
  async login(username: string, password: string, address = 'unknown'): Promise<{ token: string; user: UserEntity }> {
    const typed = username.slice(0, 64);
    await this.refuseWhenThrottled(typed, address);
    const user = await this.users.userByName(username);
    const ok = await argon2.verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    if (!user || !ok || !user.active) {
      // Failed logins are audited too (a burst of them is worth seeing); the name is as typed.
      await this.db.transaction(async (m) => {
        await this.users.insertLoginFailure(m, { username: typed, address });
        await this.users.dropLoginFailuresBefore(m, typed, address, this.throttle.windowSeconds);
        await this.audit.record(m, {
          actor: typed,
          action: 'LOGIN_FAILED',
          entityType: 'User',
          entityKey: username.slice(0, 128),
          after: { address },
        });
      });
      throw new DomainError('UNAUTHENTICATED', 'Unknown username or wrong password');
    }
    const token = this.tokens.sign({ userId: user.id, username: user.username, role: user.role });
    await this.db.transaction(async (m) => {
      await this.users.clearLoginFailures(m, user.username);
      await this.audit.record(m, { actor: user.username, action: 'LOGIN', entityType: 'User', entityKey: user.username });
    });
    return { token, user };
  }

  /**
   * An electronic signature: the signed-in user's password, typed again. Throttled and counted as a
   * login (a wrong password is a failed login of that user from that address), so a signature
   * dialog is no way around the login limits. The owning context records the signature.
   */
  async verifySignature(actor: Actor, signature: SignatureInput, address = 'unknown'): Promise<VerifiedSignature> {
    await this.refuseWhenThrottled(actor.username, address);
    const user = await this.users.userByName(actor.username);
    const ok = await argon2.verify(user?.passwordHash ?? DUMMY_HASH, signature.password).catch(() => false);
    if (!user || !ok || !user.active || user.id !== actor.userId) {
      await this.db.transaction(async (m) => {
        await this.users.insertLoginFailure(m, { username: actor.username, address });
        await this.audit.record(m, {
          actor: actor.username,
          action: 'SIGNATURE_FAILED',
          entityType: 'User',
          entityKey: actor.username,
          after: { address, meaning: signature.meaning },
        });
      });
      throw new DomainError(
        'SIGNATURE_REJECTED',
        `The signature of ${actor.username} was refused: the password is not ${actor.username}'s (type the password you signed in with); nothing was released`,
        [{ path: 'signature.password', message: 'expected the password of the signed-in user' }],
      );
    }
    return { signer: user.username, meaning: signature.meaning, comment: signature.comment ?? null, signedAt: await this.users.now() };
  }

  private async refuseWhenThrottled(username: string, address: string): Promise<void> {
    const recent = (column: 'username' | 'address', value: string, limit: number) =>
      this.users.recentLoginFailures(column, value, this.throttle.windowSeconds, limit);
    const now = await this.users.now();
    const decision = decideLogin(
      {
        user: await recent('username', username, this.throttle.perUser),
        address: await recent('address', address, this.throttle.perAddress),
      },
      now,
      this.throttle,
    );
    if (decision.allowed) return;
    await this.db.transaction((m) =>
      this.audit.record(m, {
        actor: username,
        action: 'LOGIN_THROTTLED',
        entityType: 'User',
        entityKey: username,
        after: { address, scope: decision.scope, retryAfterSeconds: decision.retryAfterSeconds },
      }),
    );
    const who =
      decision.scope === 'user'
        ? `user ${username} (${this.throttle.perUser} in ${this.throttle.windowSeconds / 60} minutes)`
        : `this address (${this.throttle.perAddress} in ${this.throttle.windowSeconds / 60} minutes)`;
    throw new DomainError(
      'TOO_MANY_REQUESTS',
      `Too many failed logins for ${who}: try again in ${decision.retryAfterSeconds} seconds`,
      [],
      { retryAfterSeconds: decision.retryAfterSeconds },
    );
  }

  async createUser(actor: Actor, input: CreateUserInput): Promise<UserEntity> {
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    return this.db.transaction(async (m) => {
      const existing = await this.users.userByName(input.username, m);
      if (existing) throw new DomainError('CONFLICT', `User ${input.username} already exists`);
      const user = await this.users.insertUser(m, { username: input.username, passwordHash, role: input.role, active: true });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_USER',
        entityType: 'User',
        entityKey: user.username,
        after: { username: user.username, role: user.role },
      });
      return user;
    });
  }

  async listUsers(): Promise<UserEntity[]> {
    return this.users.users();
  }

  /** The bootstrap admin exists from the first start; its password comes from MES_ADMIN_PASSWORD. */
  async ensureBootstrapAdmin(password: string | undefined): Promise<void> {
    if (await this.users.userExists('admin')) return;
    if (!password) {
      this.logger.warn('No admin user and MES_ADMIN_PASSWORD is unset: nobody can log in until it is set');
      return;
    }
    const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
    await this.db.transaction(async (m) => {
      await this.users.insertAdminUnlessPresent(m, passwordHash);
      await this.audit.record(m, {
        actor: 'system',
        action: 'CREATE_USER',
        entityType: 'User',
        entityKey: 'admin',
        after: { role: Role.ADMIN },
      });
    });
    this.logger.log('Created the bootstrap admin user');
  }
}
