import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { CrossReplicaInvalidation, DomainError, KEY_INVALIDATION, KeyCache } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { type RigEntity, RigRepository } from '@mes/test-data-store';
import { TrackingClient } from '@mes/tracking-client';

export const SHEET_TEST_OPERATION = 'SHEET_TEST';
/** Stack test rigs share the key scheme; the assembly service asks for their rig by key (rigForKey). */
export const STACK_TEST_OPERATION = 'STACK_TEST';
/** Inspection (AOI) stations post defect lists with a key of the same scheme (docs/contracts.md "Inspection results"). */
export const INSPECTION_OPERATION = 'INSPECTION';
const RIG_OPERATIONS = [SHEET_TEST_OPERATION, STACK_TEST_OPERATION, INSPECTION_OPERATION];
const RIG_OPERATIONS_TEXT = `${RIG_OPERATIONS.slice(0, -1).join(', ')} or ${RIG_OPERATIONS[RIG_OPERATIONS.length - 1]}`;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Rigs and their keys. A key is `<rig id>.<32 random bytes>`: the id finds the rig in one lookup,
 * the random part is checked against its SHA-256 (a fast hash is right for a random 256-bit secret;
 * passwords, which are guessable, get argon2).
 */
@Injectable()
export class RigService {
  /**
   * Keys verified here, trusted only while every replica's revokes reach this one (see KeyCache);
   * without the invalidation channel (a test without Redis) every request is checked.
   */
  private readonly verified: KeyCache<RigEntity>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rigs: RigRepository,
    private readonly tracking: TrackingClient,
    private readonly audit: AuditService,
    @Optional() @Inject(KEY_INVALIDATION) invalidation?: CrossReplicaInvalidation | null,
  ) {
    this.verified = new KeyCache<RigEntity>(invalidation ?? null);
  }

  async register(actor: Actor, name: string, stationCode: string): Promise<{ rig: RigEntity; apiKey: string }> {
    const cleanName = name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/.test(cleanName)) {
      throw new DomainError('VALIDATION_FAILED', `Invalid rig name "${name}": expected 1-100 letters, digits, spaces, ".", "_" or "-"`, [
        { path: 'name', message: 'expected 1-100 letters, digits, spaces, ".", "_" or "-"' },
      ]);
    }
    const station = await this.tracking.station(stationCode);
    if (!station)
      throw new DomainError('NOT_FOUND', `Unknown station ${stationCode}`, [
        { path: 'stationCode', message: 'expected an existing station code' },
      ]);
    if (!RIG_OPERATIONS.includes(station.operation)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Station ${stationCode} performs ${station.operation}; a rig belongs at a ${RIG_OPERATIONS_TEXT} station`,
        [{ path: 'stationCode', message: `expected a ${RIG_OPERATIONS_TEXT} station` }],
      );
    }
    return this.db.transaction(async (m) => {
      if (await this.rigs.nameTaken(m, cleanName)) throw new DomainError('CONFLICT', `A rig named ${cleanName} is already registered`);
      const secret = randomBytes(32).toString('base64url');
      const rig = await this.rigs.insert(m, {
        name: cleanName,
        stationCode,
        operation: station.operation,
        keyHash: sha256(secret),
        createdBy: actor.username,
      });
      // The key itself is never recorded, not even its hash.
      await this.audit.record(m, {
        actor: actor.username,
        action: 'REGISTER_RIG',
        entityType: 'Rig',
        entityKey: rig.id,
        after: { id: rig.id, name: rig.name, stationCode: rig.stationCode },
      });
      return { rig, apiKey: `${rig.id}.${secret}` };
    });
  }

  /** The operation of a rig's station (SHEET_TEST, STACK_TEST or INSPECTION), as tracking said at registration. */
  operationOf(rig: RigEntity): string {
    return rig.operation;
  }

  /** Every rig with the state of its key (never the key or its hash), by name. */
  list(): Promise<RigEntity[]> {
    return this.rigs.all();
  }

  /** A registered rig by its name (lab rigs are named in engineers' uploads). */
  byName(name: string): Promise<RigEntity | null> {
    return this.rigs.byName(name);
  }

  /** Revoke a rig's key: its next post is refused (401) until an admin rotates the key. */
  async revokeKey(actor: Actor, rigId: string): Promise<RigEntity> {
    const rig = await this.db.transaction(async (m) => {
      const found = await this.lockRig(m, rigId);
      if (found.keyRevokedAt)
        throw new DomainError('CONFLICT', `The key of rig ${found.name} is already revoked: rotate it to issue a new one`);
      found.keyRevokedAt = new Date();
      await this.rigs.updateKey(m, found.id, { keyRevokedAt: found.keyRevokedAt });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'RIG_KEY_REVOKED',
        entityType: 'Rig',
        entityKey: found.id,
        after: { id: found.id, name: found.name, keyIssuedAt: found.keyIssuedAt },
      });
      return found;
    });
    await this.verified.forget(rig.id);
    return rig;
  }

  /** A new key for a rig (shown once); the previous key, revoked or not, stops working at once. */
  async rotateKey(actor: Actor, rigId: string): Promise<{ rig: RigEntity; apiKey: string }> {
    const secret = randomBytes(32).toString('base64url');
    const rig = await this.db.transaction(async (m) => {
      const found = await this.lockRig(m, rigId);
      const before = { keyIssuedAt: found.keyIssuedAt, keyRevokedAt: found.keyRevokedAt };
      Object.assign(found, { keyHash: sha256(secret), keyIssuedAt: new Date(), keyRevokedAt: null });
      await this.rigs.updateKey(m, found.id, { keyHash: found.keyHash, keyIssuedAt: found.keyIssuedAt, keyRevokedAt: null });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'RIG_KEY_ROTATED',
        entityType: 'Rig',
        entityKey: found.id,
        before,
        after: { id: found.id, name: found.name, keyIssuedAt: found.keyIssuedAt },
      });
      return found;
    });
    await this.verified.forget(rig.id);
    return { rig, apiKey: `${rig.id}.${secret}` };
  }

  private async lockRig(m: EntityManager, rigId: string): Promise<RigEntity> {
    const rig = await this.rigs.lock(m, rigId);
    if (!rig)
      throw new DomainError('NOT_FOUND', `Unknown rig ${rigId}: expected the id of a registered rig (rigKeys lists them)`, [
        { path: 'rigId', message: 'expected a registered rig id' },
      ]);
    return rig;
  }

  /** The rig a key belongs to, or null for a missing, malformed, unknown or revoked key. */
  async authenticate(apiKey: string | undefined): Promise<RigEntity | null> {
    if (!apiKey) return null;
    const hit = this.verified.get(apiKey);
    if (hit) return hit;
    const m = /^(\d{1,18})\.([A-Za-z0-9_-]{43})$/.exec(apiKey);
    if (!m) return null;
    const rig = await this.rigs.byId(m[1]);
    if (!rig || rig.keyRevokedAt) return null;
    const ok = timingSafeEqual(Buffer.from(rig.keyHash, 'hex'), Buffer.from(sha256(m[2]), 'hex'));
    if (!ok) return null;
    this.verified.set(apiKey, rig);
    return rig;
  }
}
