import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { signatureAuditDetails, type Actor, type SignatureInput } from '@mes/auth';
import { intervalProblem } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { IdentityService } from '../identity/identity.service';
import { CellEntity, RollEntity, SheetEntity } from '../material/material.entities';
import { HoldEntity } from './hold.entity';
import { HoldTargetEnum, type HoldModel, type PlaceHoldInput, type ReleaseHoldInput } from './hold.model';
import { HoldRepository } from './hold.repository';
import { holdSource, trackingMetrics } from '../common/tracking.metrics';

@Injectable()
export class HoldService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly holds: HoldRepository,
    private readonly audit: AuditService,
    private readonly identity: IdentityService,
  ) {}

  async place(actor: Actor, input: PlaceHoldInput): Promise<HoldModel> {
    const placed = await this.db.transaction(async (m) => {
      const values = await this.resolveTarget(m, input);
      const hold = await m.save(
        m.create(HoldEntity, { ...values, target: input.target, reason: input.reason, active: true, placedBy: actor.username }),
      );
      const model = (await this.holds.byId(hold.id, m)) as HoldModel;
      await this.audit.record(m, { actor: actor.username, action: 'PLACE_HOLD', entityType: 'Hold', entityKey: hold.id, after: model });
      return model;
    });
    trackingMetrics.holdsPlaced.inc({ target: input.target, source: holdSource(actor) }); // once committed
    return placed;
  }

  /**
   * A queue-time hold on a roll or a sheet, written in the caller's transaction (a scan's, which
   * holds the unit's row lock) with its audit record, like any hold placed through `place`.
   */
  async placeQueueTimeHold(
    m: EntityManager,
    actor: Actor,
    h: { unit: { kind: 'ROLL' | 'SHEET'; id: string }; reason: string; routeStepId: string; fromEventId: string },
  ): Promise<HoldModel> {
    const target =
      h.unit.kind === 'ROLL' ? { target: 'ROLL' as const, rollId: h.unit.id } : { target: 'SHEET' as const, sheetId: h.unit.id };
    const hold = await m.save(
      m.create(HoldEntity, {
        ...target,
        reason: h.reason,
        active: true,
        placedBy: actor.username,
        queueRouteStepId: h.routeStepId,
        queueFromEventId: h.fromEventId,
      }),
    );
    const model = (await this.holds.byId(hold.id, m)) as HoldModel;
    await this.audit.record(m, {
      actor: actor.username,
      action: 'PLACE_HOLD',
      entityType: 'Hold',
      entityKey: hold.id,
      after: { ...model, rule: 'QUEUE_TIME' },
    });
    // In the scan's transaction, which commits a refused scan with its hold (it returns the refusal).
    trackingMetrics.holdsPlaced.inc({ target: target.target, source: 'queue-time rule' });
    return model;
  }

  /**
   * A sheet hold a rule places (a misregistration at patterning), written in the caller's
   * transaction with its audit record; the caller counts it once committed (countRuleHold).
   */
  async placeRuleHold(m: EntityManager, actor: Actor, h: { sheetId: string; reason: string; rule: string }): Promise<HoldModel> {
    const hold = await m.save(
      m.create(HoldEntity, { target: 'SHEET', sheetId: h.sheetId, reason: h.reason, active: true, placedBy: actor.username }),
    );
    const model = (await this.holds.byId(hold.id, m)) as HoldModel;
    await this.audit.record(m, {
      actor: actor.username,
      action: 'PLACE_HOLD',
      entityType: 'Hold',
      entityKey: hold.id,
      after: { ...model, rule: h.rule },
    });
    return model;
  }

  countRuleHold(target: 'SHEET', source: string): void {
    trackingMetrics.holdsPlaced.inc({ target, source });
  }

  /** Release a hold with an electronic signature: checked first (nothing changes on a wrong password), recorded with the release. */
  async release(actor: Actor, input: ReleaseHoldInput, signature: SignatureInput, address?: string): Promise<HoldModel> {
    const signed = await this.identity.verifySignature(actor, signature, address);
    return this.db.transaction(async (m) => {
      const hold = /^\d{1,18}$/.test(input.holdId)
        ? await m.findOne(HoldEntity, { where: { id: input.holdId }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!hold)
        throw new DomainError('NOT_FOUND', `Unknown hold ${input.holdId}`, [
          { path: 'input.holdId', message: 'expected the id of a hold' },
        ]);
      if (!hold.active) {
        throw new DomainError(
          'CONFLICT',
          `Hold ${hold.id} was already released by ${hold.releasedBy} at ${hold.releasedAt?.toISOString()} (${hold.disposition})`,
        );
      }
      const before = await this.holds.byId(hold.id, m);
      await m.update(HoldEntity, { id: hold.id }, {
        active: false,
        disposition: input.disposition,
        releasedBy: actor.username,
        releasedAt: () => 'now()',
        releaseComment: input.comment,
      } as never);
      const own = await this.applyDisposition(m, hold, input.disposition);
      const children = await this.applyToDescendants(m, hold, input.disposition);
      const affected = { rolls: own.rolls + children.rolls, sheets: own.sheets + children.sheets, cells: own.cells + children.cells };
      const after = (await this.holds.byId(hold.id, m)) as HoldModel;
      await this.audit.record(m, {
        actor: actor.username,
        action: 'RELEASE_HOLD',
        entityType: 'Hold',
        entityKey: hold.id,
        before,
        after: { ...after, affected },
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'SIGNATURE',
        entityType: 'Hold',
        entityKey: hold.id,
        after: signatureAuditDetails(signed, `RELEASE_HOLD ${hold.id} ${input.disposition}`),
      });
      return after;
    });
  }

  byId(id: string): Promise<HoldModel | null> {
    return this.holds.byId(id);
  }

  list(filter: { active?: boolean; rollId?: string; limit: number }): Promise<HoldModel[]> {
    return this.holds.list(filter);
  }

  private async resolveTarget(m: EntityManager, input: PlaceHoldInput): Promise<Partial<HoldEntity>> {
    const need = (field: keyof PlaceHoldInput, what: string) => {
      if (input[field] === undefined || input[field] === null) {
        throw new DomainError('VALIDATION_FAILED', `A ${input.target} hold needs ${String(field)} (${what})`, [
          { path: `input.${String(field)}`, message: `expected ${what}` },
        ]);
      }
    };
    switch (input.target) {
      case HoldTargetEnum.ROLL:
      case HoldTargetEnum.ROLL_REGION: {
        need('rollBarcode', 'the barcode of the roll');
        const roll = await m.findOne(RollEntity, { where: { barcode: input.rollBarcode } });
        if (!roll)
          throw new DomainError('UNKNOWN_BARCODE', `Unknown roll barcode ${input.rollBarcode}`, [
            { path: 'input.rollBarcode', message: 'expected a registered roll' },
          ]);
        if (input.target === 'ROLL') return { rollId: roll.id, mdStartMm: null, mdEndMm: null };
        need('mdFromMm', 'where the region starts, mm from the roll leading end');
        need('mdToMm', 'where the region ends, mm from the roll leading end');
        const problem = intervalProblem({ startMm: input.mdFromMm as number, endMm: input.mdToMm as number }, roll.lengthMm);
        if (problem)
          throw new DomainError('VALIDATION_FAILED', `Invalid MD region on roll ${roll.barcode}: ${problem}`, [
            { path: 'input.mdToMm', message: problem },
          ]);
        return { rollId: roll.id, mdStartMm: input.mdFromMm, mdEndMm: input.mdToMm };
      }
      case HoldTargetEnum.SHEET:
      case HoldTargetEnum.CELL: {
        need('sheetBarcode', 'the barcode of the sheet');
        const sheet = await m.findOne(SheetEntity, { where: { barcode: input.sheetBarcode } });
        if (!sheet)
          throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet barcode ${input.sheetBarcode}`, [
            { path: 'input.sheetBarcode', message: 'expected a sheet' },
          ]);
        if (input.target === 'SHEET') return { sheetId: sheet.id };
        need('row', 'the cell row');
        need('col', 'the cell column');
        // Checked against the grid before the lookup: a position past the column's range (smallint)
        // would otherwise fail in PostgreSQL instead of being refused here (found by fuzzing).
        const inGrid = (input.row as number) < sheet.rows && (input.col as number) < sheet.cols;
        const cell = inGrid ? await m.findOne(CellEntity, { where: { sheetId: sheet.id, row: input.row, col: input.col } }) : null;
        if (!cell) {
          throw new DomainError(
            'VALIDATION_FAILED',
            `Cell (${input.row}, ${input.col}) is outside the ${sheet.rows} x ${sheet.cols} grid of sheet ${sheet.barcode}`,
            [{ path: 'input.row', message: `expected row < ${sheet.rows} and col < ${sheet.cols}` }],
          );
        }
        return { cellId: cell.id };
      }
    }
  }

  /** What a disposition does to the material the hold covered; returns how many units it changed. */
  private async applyDisposition(
    m: EntityManager,
    hold: HoldEntity,
    disposition: ReleaseHoldInput['disposition'],
  ): Promise<{ rolls: number; sheets: number; cells: number }> {
    const none = { rolls: 0, sheets: 0, cells: 0 };
    if (disposition === 'RELEASE') return none;
    const sheetFilter = this.sheetFilter(hold);
    if (disposition === 'SCRAP') {
      let rolls = 0;
      if (hold.target === 'ROLL') {
        rolls = (
          await m.query<[unknown[], number]>(
            `UPDATE tracking.rolls SET status = 'SCRAPPED', step_state = 'WAITING', station_id = NULL, version = version + 1 WHERE id = $1 AND status = 'ACTIVE'`,
            [hold.rollId],
          )
        )[1];
      }
      const cellFilter =
        hold.target === 'CELL'
          ? { sql: 'id = $1', params: [hold.cellId] }
          : hold.target === 'ROLL_REGION'
            ? { sql: 'roll_id = $1 AND md_mm >= $2 AND md_mm < $3', params: [hold.rollId, hold.mdStartMm, hold.mdEndMm] }
            : { sql: `sheet_id IN (SELECT id FROM tracking.sheets WHERE ${sheetFilter.sql})`, params: sheetFilter.params };
      const cells = (
        await m.query<[unknown[], number]>(
          `UPDATE tracking.cells SET status = 'SCRAPPED' WHERE status = 'ACTIVE' AND ${cellFilter.sql}`,
          cellFilter.params,
        )
      )[1];
      // A region scrap takes whole sheets only where the region covers the whole sheet.
      const sheetScrap =
        hold.target === 'ROLL_REGION'
          ? { sql: 'roll_id = $1 AND md_start_mm >= $2 AND md_end_mm <= $3', params: [hold.rollId, hold.mdStartMm, hold.mdEndMm] }
          : sheetFilter;
      const sheets =
        hold.target === 'CELL'
          ? 0
          : (
              await m.query<[unknown[], number]>(
                `UPDATE tracking.sheets SET status = 'SCRAPPED', step_state = 'WAITING', station_id = NULL, version = version + 1 WHERE status = 'ACTIVE' AND ${sheetScrap.sql}`,
                sheetScrap.params,
              )
            )[1];
      return { rolls, sheets, cells };
    }
    // REWORK: the covered units go back to the operation before the one they wait for (same unit level).
    const back = `step_seq = CASE WHEN EXISTS (SELECT 1 FROM tracking.route_steps p JOIN tracking.route_steps c ON c.route_id = p.route_id AND c.seq = p.seq + 1
                    WHERE p.route_id = t.route_id AND c.seq = t.step_seq AND p.level = c.level) THEN step_seq - 1 ELSE step_seq END,
                  step_state = 'WAITING', station_id = NULL, version = version + 1`;
    let rolls = 0;
    if (hold.target === 'ROLL')
      rolls = (
        await m.query<[unknown[], number]>(`UPDATE tracking.rolls t SET ${back} WHERE id = $1 AND status = 'ACTIVE'`, [hold.rollId])
      )[1];
    const sheets =
      hold.target === 'CELL'
        ? 0
        : (
            await m.query<[unknown[], number]>(
              `UPDATE tracking.sheets t SET ${back} WHERE status = 'ACTIVE' AND ${sheetFilter.sql}`,
              sheetFilter.params,
            )
          )[1];
    return { rolls, sheets, cells: 0 };
  }

  /**
   * A hold on a roll or a roll region covers the material made from it by splices and slits: a
   * SCRAP or REWORK applies to the same stretch on every descendant roll (mapped through each link),
   * its sheets and cells; a descendant roll that came wholly from the held stretch is scrapped or
   * reworked itself. RELEASE changes nothing.
   */
  private async applyToDescendants(
    m: EntityManager,
    hold: HoldEntity,
    disposition: ReleaseHoldInput['disposition'],
  ): Promise<{ rolls: number; sheets: number; cells: number }> {
    const total = { rolls: 0, sheets: 0, cells: 0 };
    if (disposition === 'RELEASE' || (hold.target !== 'ROLL' && hold.target !== 'ROLL_REGION')) return total;
    const links = await m.query<
      {
        child_roll_id: string;
        parent_roll_id: string;
        child_md_start_mm: number;
        child_md_end_mm: number;
        parent_md_start_mm: number;
        child_length_mm: number;
      }[]
    >(
      `WITH RECURSIVE down AS (
         SELECT * FROM tracking.roll_links WHERE parent_roll_id = $1
         UNION SELECT l.* FROM tracking.roll_links l JOIN down ON l.parent_roll_id = down.child_roll_id)
       SELECT d.child_roll_id, d.parent_roll_id, d.child_md_start_mm, d.child_md_end_mm, d.parent_md_start_mm, r.length_mm AS child_length_mm
         FROM down d JOIN tracking.rolls r ON r.id = d.child_roll_id`,
      [hold.rollId],
    );
    if (!links.length) return total;
    const start = hold.target === 'ROLL' ? 0 : (hold.mdStartMm as number);
    const end = hold.target === 'ROLL' ? Number.POSITIVE_INFINITY : (hold.mdEndMm as number);
    const queue = [{ rollId: String(hold.rollId), startMm: start, endMm: end }];
    const seen = new Set<string>();
    while (queue.length) {
      const region = queue.shift()!;
      for (const l of links.filter((x) => String(x.parent_roll_id) === region.rollId)) {
        const length = l.child_md_end_mm - l.child_md_start_mm;
        const from = Math.max(region.startMm, l.parent_md_start_mm);
        const to = Math.min(region.endMm, l.parent_md_start_mm + length);
        if (!(from < to)) continue;
        const child = {
          rollId: String(l.child_roll_id),
          startMm: from - l.parent_md_start_mm + l.child_md_start_mm,
          endMm: to - l.parent_md_start_mm + l.child_md_start_mm,
        };
        const key = `${child.rollId}:${child.startMm}:${child.endMm}`;
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push(child);
        const whole = child.startMm <= 0 && child.endMm >= l.child_length_mm;
        const asHold = Object.assign(new HoldEntity(), {
          target: whole ? 'ROLL' : 'ROLL_REGION',
          rollId: child.rollId,
          mdStartMm: child.startMm,
          mdEndMm: child.endMm,
        });
        const done = await this.applyDisposition(m, asHold, disposition);
        total.rolls += done.rolls;
        total.sheets += done.sheets;
        total.cells += done.cells;
      }
    }
    return total;
  }

  private sheetFilter(hold: HoldEntity): { sql: string; params: unknown[] } {
    switch (hold.target) {
      case 'ROLL':
        return { sql: 'roll_id = $1', params: [hold.rollId] };
      case 'ROLL_REGION':
        return { sql: 'roll_id = $1 AND md_start_mm < $3 AND $2 < md_end_mm', params: [hold.rollId, hold.mdStartMm, hold.mdEndMm] };
      case 'SHEET':
        return { sql: 'id = $1', params: [hold.sheetId] };
      case 'CELL':
        return { sql: 'false', params: [] };
    }
  }
}
