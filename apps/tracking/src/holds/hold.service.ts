import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { signatureAuditDetails, type Actor, type SignatureInput } from '@mes/auth';
import { intervalProblem } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { IdentityService } from '../identity/identity.service';
import { MaterialRepository } from '../material/material.repository';
import { HoldEntity } from './hold.entity';
import { HoldTargetEnum, type HoldModel, type PlaceHoldInput, type ReleaseHoldInput } from './hold.model';
import { HoldRepository } from './hold.repository';
import { holdSource, trackingMetrics } from '../common/tracking.metrics';

@Injectable()
export class HoldService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly holds: HoldRepository,
    private readonly material: MaterialRepository,
    private readonly audit: AuditService,
    private readonly identity: IdentityService,
  ) {}

  async place(actor: Actor, input: PlaceHoldInput): Promise<HoldModel> {
    const placed = await this.db.transaction(async (m) => {
      const values = await this.resolveTarget(m, input);
      const hold = await this.holds.insert(m, {
        ...values,
        target: input.target,
        reason: input.reason,
        active: true,
        placedBy: actor.username,
      });
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
    const hold = await this.holds.insert(m, {
      ...target,
      reason: h.reason,
      active: true,
      placedBy: actor.username,
      queueRouteStepId: h.routeStepId,
      queueFromEventId: h.fromEventId,
    });
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
    const hold = await this.holds.insert(m, {
      target: 'SHEET',
      sheetId: h.sheetId,
      reason: h.reason,
      active: true,
      placedBy: actor.username,
    });
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
      const hold = /^\d{1,18}$/.test(input.holdId) ? await this.holds.lockById(m, input.holdId) : null;
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
      await this.holds.markReleased(m, hold.id, {
        disposition: input.disposition,
        releasedBy: actor.username,
        releaseComment: input.comment,
      });
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
        const roll = await this.material.rollEntityByBarcode(m, input.rollBarcode as string);
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
        const sheet = await this.material.sheetEntityByBarcode(m, input.sheetBarcode as string);
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
        const cell = inGrid ? await this.material.cellEntityAt(m, sheet.id, input.row as number, input.col as number) : null;
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
    if (disposition === 'RELEASE') return { rolls: 0, sheets: 0, cells: 0 };
    // REWORK: the covered units go back to the operation before the one they wait for (same unit level).
    return disposition === 'SCRAP' ? this.holds.scrapCovered(m, hold) : this.holds.reworkCovered(m, hold);
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
    const links = await this.holds.descendantLinks(m, String(hold.rollId));
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
}
