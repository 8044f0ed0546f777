import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { E10_STATES, e10TransitionProblem, traceChannel, type E10State } from '@mes/process';
import { CrossReplicaInvalidation, DomainError, KEY_INVALIDATION, KeyCache } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { recordAudit } from '../audit/process-audit.repository';
import { refuseIfProblems } from '../common/problems';
import type { EquipmentEntity } from '../database/process.entities';
import type { ConfigureEquipmentInput, EquipmentStatusModel, E10StateEnum } from './equipment.model';
import { EquipmentRepository } from './equipment.repository';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Equipment codes are tracking's (capitals, digits, -), so `<code>.<secret>` splits unambiguously. */
const KEY = /^([A-Z0-9][A-Z0-9_-]{0,31})\.([A-Za-z0-9_-]{43})$/;

/** E10 state, target life, zone offsets and trace keys of the line's equipment. */
@Injectable()
export class EquipmentService {
  /** Trace keys verified here, trusted only while every replica's key changes reach this one (see KeyCache). */
  private readonly verified: KeyCache<{ id: string }>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly equipment: EquipmentRepository,
    private readonly tracking: TrackingClient,
    @Optional() @Inject(KEY_INVALIDATION) invalidation?: CrossReplicaInvalidation | null,
  ) {
    this.verified = new KeyCache<{ id: string }>(invalidation ?? null);
  }

  /** The equipment's process row, created (STANDBY) the first time tracking confirms the code. */
  async ensure(m: EntityManager, code: string, actor: string): Promise<EquipmentEntity> {
    const found = await this.equipment.lock(m, code);
    if (found) return found;
    if (!(await this.tracking.equipment(code)))
      throw new DomainError('NOT_FOUND', `Unknown equipment ${code}`, [
        { path: 'equipmentCode', message: 'expected an equipment code registered in tracking' },
      ]);
    const now = new Date();
    await this.equipment.insertFirstSeen(m, code, now);
    await this.equipment.insertStateChange(m, {
      equipmentCode: code,
      fromState: null,
      toState: 'STANDBY',
      at: now,
      changedBy: actor,
      reason: 'first seen by the process service',
    });
    return (await this.equipment.lock(m, code)) as EquipmentEntity;
  }

  /** Record a state change (inside the caller's transaction). */
  async changeState(m: EntityManager, equipment: EquipmentEntity, to: E10State, actor: string, reason: string): Promise<void> {
    if (equipment.e10State === to) return;
    const at = new Date();
    await this.equipment.insertStateChange(m, {
      equipmentCode: equipment.code,
      fromState: equipment.e10State,
      toState: to,
      at,
      changedBy: actor,
      reason,
    });
    equipment.e10State = to;
    equipment.stateSince = at;
    await this.equipment.update(m, equipment.code, { e10State: to, stateSince: at, updatedAt: at });
  }

  async setState(actor: Actor, code: string, to: E10State, reason: string): Promise<EquipmentEntity> {
    if (!E10_STATES.includes(to)) throw new DomainError('VALIDATION_FAILED', `Unknown E10 state ${to}`);
    return this.db.transaction(async (m) => {
      const e = await this.ensure(m, code, actor.username);
      const problem = e10TransitionProblem(e.e10State, to);
      if (problem) throw new DomainError('CONFLICT', `Equipment ${code}: ${problem}`, [{ path: 'input.state', message: problem }]);
      if (to === 'PRODUCTIVE') {
        throw new DomainError('VALIDATION_FAILED', `Equipment ${code} becomes PRODUCTIVE when a process run starts on it, not by hand`, [
          { path: 'input.state', message: 'expected a state other than PRODUCTIVE' },
        ]);
      }
      const running = await this.equipment.runsInProgress(m, code);
      if (running > 0)
        throw new DomainError(
          'CONFLICT',
          `Equipment ${code} has ${running} run(s) in progress; complete them before changing its state to ${to}`,
        );
      await this.changeState(m, e, to, actor.username, reason);
      await recordAudit(m, {
        actor: actor.username,
        action: 'EQUIPMENT_STATE',
        entityType: 'EQUIPMENT',
        entityId: code,
        details: { to, reason },
      });
      return e;
    });
  }

  async configure(actor: Actor, input: ConfigureEquipmentInput): Promise<EquipmentEntity> {
    const problems = (input.zoneOffsets ?? []).flatMap((z, i) =>
      traceChannel(z.channel)
        ? []
        : [{ path: `input.zoneOffsets[${i}].channel`, message: `expected a known trace channel, got ${z.channel}` }],
    );
    refuseIfProblems(`Equipment ${input.equipmentCode} not configured`, problems);
    return this.db.transaction(async (m) => {
      const e = await this.ensure(m, input.equipmentCode, actor.username);
      const patch: Partial<EquipmentEntity> = { updatedAt: new Date() };
      if (input.targetLifeKwh !== undefined) patch.targetLifeKwh = input.targetLifeKwh;
      if (input.zoneOffsets) patch.zoneOffsetsMm = Object.fromEntries(input.zoneOffsets.map((z) => [z.channel, z.offsetMm]));
      await this.equipment.update(m, e.code, patch);
      await recordAudit(m, {
        actor: actor.username,
        action: 'EQUIPMENT_CONFIGURED',
        entityType: 'EQUIPMENT',
        entityId: e.code,
        details: { targetLifeKwh: input.targetLifeKwh, zoneOffsets: input.zoneOffsets },
      });
      return { ...e, ...patch } as EquipmentEntity;
    });
  }

  async replaceTarget(actor: Actor, code: string, targetId: string): Promise<EquipmentEntity> {
    return this.db.transaction(async (m) => {
      const e = await this.ensure(m, code, actor.username);
      const previous = { targetId: e.targetId, consumedKwh: e.targetConsumedKwh };
      await this.equipment.update(m, code, { targetId, targetConsumedKwh: 0, updatedAt: new Date() });
      await recordAudit(m, {
        actor: actor.username,
        action: 'TARGET_REPLACED',
        entityType: 'EQUIPMENT',
        entityId: code,
        details: { targetId, previous },
      });
      return { ...e, targetId, targetConsumedKwh: 0 };
    });
  }

  /** A new trace key (the previous one stops working); only its hash is kept. Rotating is issuing again. */
  async issueKey(actor: Actor, code: string, action: 'TRACE_KEY_ISSUED' | 'TRACE_KEY_ROTATED' = 'TRACE_KEY_ISSUED'): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await this.db.transaction(async (m) => {
      const e = await this.ensure(m, code, actor.username);
      const issuedAt = new Date();
      await this.equipment.update(m, code, { keyHash: sha256(secret), keyIssuedAt: issuedAt, keyRevokedAt: null, updatedAt: issuedAt });
      await recordAudit(m, {
        actor: actor.username,
        action,
        entityType: 'EQUIPMENT',
        entityId: code,
        details: { previousKeyIssuedAt: e.keyIssuedAt, keyIssuedAt: issuedAt },
      });
    });
    await this.verified.forget(code);
    return `${code}.${secret}`;
  }

  /** Revoke a trace key: the equipment's posts are refused (401) at once, until a new key is issued. */
  async revokeKey(actor: Actor, code: string): Promise<EquipmentEntity> {
    const revoked = await this.db.transaction(async (m) => {
      const e = await this.equipment.lock(m, code);
      if (!e?.keyHash)
        throw new DomainError('CONFLICT', `Equipment ${code} has no trace key to revoke`, [
          { path: 'equipmentCode', message: 'expected equipment with a trace key (equipmentKeys lists them)' },
        ]);
      const at = new Date();
      await this.equipment.update(m, code, { keyHash: null, keyRevokedAt: at, updatedAt: at });
      await recordAudit(m, {
        actor: actor.username,
        action: 'TRACE_KEY_REVOKED',
        entityType: 'EQUIPMENT',
        entityId: code,
        details: { keyIssuedAt: e.keyIssuedAt },
      });
      return { ...e, keyHash: null, keyRevokedAt: at };
    });
    await this.verified.forget(code);
    return revoked;
  }

  /** Every piece of equipment the process service knows, with the state of its trace key. */
  async keys(): Promise<EquipmentEntity[]> {
    return this.equipment.all();
  }

  /** The equipment code a trace key belongs to, or null. */
  async authenticate(apiKey: string | undefined): Promise<string | null> {
    if (!apiKey) return null;
    const hit = this.verified.get(apiKey);
    if (hit) return hit.id;
    const match = KEY.exec(apiKey);
    if (!match) return null;
    const e = await this.equipment.byCode(match[1]);
    if (!e?.keyHash || !timingSafeEqual(Buffer.from(e.keyHash, 'hex'), Buffer.from(sha256(match[2]), 'hex'))) return null;
    this.verified.set(apiKey, { id: e.code });
    return e.code;
  }

  async status(code: string): Promise<EquipmentStatusModel> {
    const e = await this.equipment.byCode(code);
    if (!e) {
      if (!(await this.tracking.equipment(code))) throw new DomainError('NOT_FOUND', `Unknown equipment ${code}`);
      return {
        equipmentCode: code,
        e10State: 'STANDBY' as E10StateEnum,
        stateSince: new Date(0),
        targetId: null,
        targetLifeKwh: null,
        targetConsumedKwh: 0,
        zoneOffsets: [],
        hasTraceKey: false,
        stateHistory: [],
      };
    }
    return this.toStatus(e);
  }

  async statuses(): Promise<EquipmentStatusModel[]> {
    const rows = await this.equipment.all();
    return Promise.all(rows.map((e) => this.toStatus(e)));
  }

  private async toStatus(e: EquipmentEntity): Promise<EquipmentStatusModel> {
    const history = await this.equipment.history(e.code);
    return {
      equipmentCode: e.code,
      e10State: e.e10State as E10StateEnum,
      stateSince: e.stateSince,
      targetId: e.targetId,
      targetLifeKwh: e.targetLifeKwh,
      targetConsumedKwh: e.targetConsumedKwh,
      zoneOffsets: Object.entries(e.zoneOffsetsMm).map(([channel, offsetMm]) => ({ channel, offsetMm })),
      hasTraceKey: e.keyHash !== null,
      stateHistory: history.map((h) => ({
        fromState: h.fromState as E10StateEnum | null,
        toState: h.toState as E10StateEnum,
        at: h.at,
        changedBy: h.changedBy,
        reason: h.reason,
      })),
    };
  }
}
