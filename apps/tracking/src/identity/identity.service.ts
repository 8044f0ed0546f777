import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import { Role, TokenService, type Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { UserEntity } from './user.entity';
import type { CreateUserInput } from './identity.model';

// A hash to compare against when the user does not exist, so a wrong username costs the same time.
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$Vb3nt8yW6P3pMpB3n3C/+o9kQ0a+Yl3xY7o3tZ9bIJc';

@Injectable()
export class IdentityService {
  private readonly logger = new Logger(IdentityService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async login(username: string, password: string): Promise<{ token: string; user: UserEntity }> {
    const user = await this.db.getRepository(UserEntity).findOne({ where: { username } });
    const ok = await argon2.verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    if (!user || !ok || !user.active) {
      // Failed logins are audited too (a burst of them is worth seeing); the name is as typed.
      await this.db.transaction((m) =>
        this.audit.record(m, {
          actor: username.slice(0, 64),
          action: 'LOGIN_FAILED',
          entityType: 'User',
          entityKey: username.slice(0, 128),
        }),
      );
      throw new DomainError('UNAUTHENTICATED', 'Unknown username or wrong password');
    }
    const token = this.tokens.sign({ userId: user.id, username: user.username, role: user.role });
    await this.db.transaction((m) =>
      this.audit.record(m, { actor: user.username, action: 'LOGIN', entityType: 'User', entityKey: user.username }),
    );
    return { token, user };
  }

  async createUser(actor: Actor, input: CreateUserInput): Promise<UserEntity> {
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    return this.db.transaction(async (m) => {
      const existing = await m.findOne(UserEntity, { where: { username: input.username } });
      if (existing) throw new DomainError('CONFLICT', `User ${input.username} already exists`);
      const user = await m.save(m.create(UserEntity, { username: input.username, passwordHash, role: input.role, active: true }));
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
    return this.db.getRepository(UserEntity).find({ order: { username: 'ASC' } });
  }

  /** The bootstrap admin exists from the first start; its password comes from MES_ADMIN_PASSWORD. */
  async ensureBootstrapAdmin(password: string | undefined): Promise<void> {
    const repo = this.db.getRepository(UserEntity);
    if (await repo.exists({ where: { username: 'admin' } })) return;
    if (!password) {
      this.logger.warn('No admin user and MES_ADMIN_PASSWORD is unset: nobody can log in until it is set');
      return;
    }
    const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
    await this.db.transaction(async (m) => {
      await m
        .createQueryBuilder()
        .insert()
        .into(UserEntity)
        .values({ username: 'admin', passwordHash, role: Role.ADMIN, active: true })
        .orIgnore()
        .execute();
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
