import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { HoldRepository } from '../holds/hold.repository';
import { HoldService } from '../holds/hold.service';
import { HoldTargetEnum, type HoldModel } from '../holds/hold.model';
import type { EquipmentEntity, RouteStepEntity, StationEntity, UnitLevel } from '../master-data/master-data.entities';
import { MasterDataRepository } from '../master-data/master-data.repository';
import { MasterDataService } from '../master-data/master-data.service';
import { FORMATION, thermalBudgetProblem, vacuumStepsBefore } from '../master-data/route-rules';
import type { RollEntity, SheetEntity } from '../material/material.entities';
import { MaterialRepository } from '../material/material.repository';
import type { UnitStatusEnum, StepStateEnum } from '../material/material.model';
import { UnitLevelEnum } from '../master-data/master-data.model';
import { queueSources, queueTimeHoldReason } from './queue-time';
import { QueueTimeRepository } from './queue-time.repository';
import type { ScanEventEntity } from './scan-event.entity';
import { ScanEventRepository, type ScannedUnit } from './scan-event.repository';
import { SINGULATION, SingulationGate } from './singulation-gate';
import type { ScanActionEnum, ScanInput, ScanResultModel } from './scan.model';
import { trackingMetrics } from '../common/tracking.metrics';

type Unit = ScannedUnit;

/** A scan's transaction found a sheet waiting for singulation: the interlock runs first, unlocked. */
const NEEDS_SINGULATION_CHECK = Symbol('needs singulation check');

/**
 * Track-in and track-out at stations. Each scan locks its unit row for its transaction, so two
 * stations scanning one unit at once are served one after the other: the first wins, the second
 * sees the new state and is refused (or, if it repeats the same action at the same station, gets
 * the first one's answer: a scanner double-press is harmless).
 */
@Injectable()
export class ScanService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly masterData: MasterDataService,
    private readonly masterDataRepo: MasterDataRepository,
    private readonly material: MaterialRepository,
    private readonly holds: HoldRepository,
    private readonly holdService: HoldService,
    private readonly queueTimes: QueueTimeRepository,
    private readonly scanEvents: ScanEventRepository,
    private readonly singulationGate: SingulationGate,
  ) {}

  async scan(actor: Actor, input: ScanInput): Promise<ScanResultModel> {
    let outcome = await this.scanInTransaction(actor, input, false);
    if (outcome === NEEDS_SINGULATION_CHECK) {
      await this.singulationInterlock(input.barcode.trim());
      outcome = await this.scanInTransaction(actor, input, true);
    }
    const result = outcome as ScanResultModel | DomainError;
    // Counted once committed. Only a scan at a known station gets here (a refusal returned, not
    // thrown, is one whose hold committed); thrown refusals are counted by the GraphQL metrics.
    const counted = result instanceof DomainError ? 'refused' : result.repeated ? 'repeated' : 'accepted';
    trackingMetrics.scans.inc({ station: input.stationCode, action: input.action, outcome: counted });
    // A refusal that placed a hold is returned, not thrown, so that the hold commits with the
    // transaction (a throw would roll it back); the scan itself wrote nothing and is refused here.
    if (result instanceof DomainError) throw result;
    return result;
  }

  /**
   * With no lock held (no remote call under a lock): a sheet waiting for SINGULATION must have final
   * results. The scan's transaction finds such a sheet, ends without writing and comes here; then it
   * runs again and scans by the usual rules (a sheet that moved on in between, or one that arrived at
   * SINGULATION in between, binned by the worker that moved it). Other scans pay nothing for it.
   */
  private async singulationInterlock(barcode: string): Promise<void> {
    const sheet = await this.material.sheetByBarcode(barcode);
    if (sheet && sheet.status === 'ACTIVE' && sheet.operation === SINGULATION && sheet.stepState === 'WAITING')
      await this.singulationGate.check(sheet);
  }

  private scanInTransaction(
    actor: Actor,
    input: ScanInput,
    singulationChecked: boolean,
  ): Promise<ScanResultModel | DomainError | typeof NEEDS_SINGULATION_CHECK> {
    const barcode = input.barcode.trim();
    return this.db.transaction(async (m): Promise<ScanResultModel | DomainError | typeof NEEDS_SINGULATION_CHECK> => {
      const station = await this.stationByCode(m, input.stationCode);
      // The unit is locked first, so the singulation interlock is decided before anything else is
      // refused (as when it ran before the transaction); a refusal below rolls the lock back.
      const found = await this.lockUnit(m, barcode);
      if (!singulationChecked && input.action === 'TRACK_IN' && found?.kind === 'SHEET' && (await this.waitsForSingulation(m, found.unit)))
        return NEEDS_SINGULATION_CHECK;
      if (!station) {
        throw new DomainError(
          'NOT_FOUND',
          `Unknown station ${input.stationCode}: expected the code of a station (see the stations query)`,
          [{ path: 'input.stationCode', message: 'expected an existing station code' }],
        );
      }
      const equipment = input.equipmentCode ? await this.equipmentAt(m, station, input.equipmentCode) : null;
      if (!found) {
        const other = endOfLineCode(barcode);
        if (other)
          throw new DomainError('WRONG_OPERATION', other, [
            { path: 'input.barcode', message: 'expected a roll or sheet barcode at a route station' },
          ]);
        throw new DomainError('UNKNOWN_BARCODE', `Unknown barcode ${barcode}: expected the barcode of a registered roll or sheet`, [
          { path: 'input.barcode', message: 'expected a roll or sheet barcode' },
        ]);
      }
      const { unit, kind } = found;
      const steps = await this.masterData.routeSteps(unit.routeId, m);
      const repeated = this.mayRepeat(unit, station, input.action) ? await this.repeatedScan(m, kind, unit, station, input.action) : null;
      if (repeated) return this.result(m, kind, unit, steps, repeated, station, true);

      this.requireActive(kind, unit);
      const step = steps.find((s) => s.seq === unit.stepSeq) as RouteStepEntity;
      if (input.action === 'TRACK_IN') {
        if (unit.stepState === 'IN_PROCESS') {
          const at = await this.stationById(m, unit.stationId as string);
          throw new DomainError(
            'ALREADY_IN_PROCESS',
            `${label(kind)} ${unit.barcode} is already tracked in at station ${at?.code} for ${step.operation}; track it out there first`,
          );
        }
        await this.requireOperation(m, kind, unit, step, station);
        const thermal = thermalBudgetProblem(step, unit.electrochemicalState);
        if (thermal)
          throw new DomainError('CONFLICT', `${label(kind)} ${unit.barcode} cannot be tracked into ${step.operation}: ${thermal}`, [], {
            reason: 'THERMAL_BUDGET',
          });
        const held = await this.activeHolds(m, kind, unit);
        if (held.length) throw onHold(kind, unit, held[0]);
        const queueHold = await this.queueTimeHold(m, actor, kind, unit, steps, step);
        if (queueHold) return onHold(kind, unit, queueHold);
        this.moveUnit(unit, { stepState: 'IN_PROCESS', stationId: station.id });
      } else {
        if (unit.stepState !== 'IN_PROCESS') {
          throw new DomainError(
            'NOT_TRACKED_IN',
            `${label(kind)} ${unit.barcode} is not tracked in at ${step.operation}; scan TRACK_IN at a ${step.operation} station first`,
          );
        }
        if (unit.stationId !== station.id) {
          const at = await this.stationById(m, unit.stationId as string);
          throw new DomainError(
            'WRONG_OPERATION',
            `${label(kind)} ${unit.barcode} is tracked in at station ${at?.code}, not ${station.code}; track it out at ${at?.code}`,
          );
        }
        this.checkCounts(kind, unit, input);
        if (step.operation === FORMATION) unit.electrochemicalState = 'FORMED';
        this.advance(kind, unit, steps, step);
      }
      const event = await this.scanEvents.commitScan(m, kind, unit, {
        stationId: station.id,
        equipmentId: equipment?.id ?? null,
        operation: step.operation,
        stepSeq: step.seq,
        action: input.action,
        goodCount: input.action === 'TRACK_OUT' ? (input.goodCount ?? null) : null,
        rejectCount: input.action === 'TRACK_OUT' ? (input.rejectCount ?? null) : null,
        actor: actor.username,
        before: { operation: step.operation, stepState: found.before.stepState, status: found.before.status },
        after: { station: station.code, stepSeq: unit.stepSeq, stepState: unit.stepState, status: unit.status },
      });
      return this.result(m, kind, unit, steps, event, station, false);
    });
  }

  private async waitsForSingulation(m: EntityManager, unit: Unit): Promise<boolean> {
    if (unit.status !== 'ACTIVE' || unit.stepState !== 'WAITING') return false;
    const steps = await this.masterData.routeSteps(unit.routeId, m);
    return steps.find((s) => s.seq === unit.stepSeq)?.operation === SINGULATION;
  }

  private async lockUnit(
    m: EntityManager,
    barcode: string,
  ): Promise<{ unit: Unit; kind: UnitLevel; before: { stepState: string; status: string } } | null> {
    // Sheet barcodes are ours (S-<roll>-NNNN): look where the unit most likely is first.
    const order: UnitLevel[] = barcode.startsWith('S-') ? ['SHEET', 'ROLL'] : ['ROLL', 'SHEET'];
    for (const kind of order) {
      const unit = kind === 'ROLL' ? await this.material.lockRollByBarcode(m, barcode) : await this.material.lockSheetByBarcode(m, barcode);
      if (unit) return { unit, kind, before: { stepState: unit.stepState, status: unit.status } };
    }
    return null;
  }

  /** Stations are never edited or removed, so a code once found stays valid. */
  private readonly stations = new Map<string, StationEntity>();

  private async stationByCode(m: EntityManager, code: string): Promise<StationEntity | null> {
    const cached = this.stations.get(code);
    if (cached) return cached;
    const station = await this.masterDataRepo.stationByCode(code, m);
    if (station) this.stations.set(code, station);
    return station;
  }

  private async stationById(m: EntityManager, id: string): Promise<StationEntity | null> {
    for (const st of this.stations.values()) if (st.id === id) return st;
    const station = await this.masterDataRepo.stationById(id, m);
    if (station) this.stations.set(station.code, station);
    return station;
  }

  /** Only these states can follow the same scan at the same station; anything else is a new scan. */
  private mayRepeat(unit: Unit, station: StationEntity, action: ScanActionEnum): boolean {
    return action === 'TRACK_IN' ? unit.stepState === 'IN_PROCESS' && unit.stationId === station.id : unit.stepState === 'WAITING';
  }

  /** The last scan of this unit, if the same action at the same station would repeat it. */
  private async repeatedScan(
    m: EntityManager,
    kind: UnitLevel,
    unit: Unit,
    station: StationEntity,
    action: ScanActionEnum,
  ): Promise<ScanEventEntity | null> {
    const last = await this.scanEvents.lastOf(m, kind, unit.id);
    if (!last || last.action !== action || last.stationId !== station.id) return null;
    if (action === 'TRACK_IN') return unit.stepState === 'IN_PROCESS' && unit.stationId === station.id ? last : null;
    // After a track-out the unit moved on: a second press finds it waiting elsewhere or finished.
    return unit.stepState === 'WAITING' && unit.stationId === null ? last : null;
  }

  private requireActive(kind: UnitLevel, unit: Unit): void {
    if (unit.status === 'ACTIVE') return;
    const why: Record<string, string> = {
      FINISHED: 'has finished its route',
      SCRAPPED: 'was scrapped',
      CONSUMED:
        kind === 'ROLL' ? 'no longer exists as a roll (cut into sheets, spliced or slit); scan the units made from it' : 'was consumed',
    };
    throw new DomainError(
      'UNIT_NOT_ACTIVE',
      `${label(kind)} ${unit.barcode} ${why[unit.status] ?? `is ${unit.status}`}: it cannot be scanned at an operation`,
    );
  }

  private async requireOperation(
    m: EntityManager,
    kind: UnitLevel,
    unit: Unit,
    step: RouteStepEntity,
    station: StationEntity,
  ): Promise<void> {
    if (step.operation === station.operation) return;
    const stations = await this.masterDataRepo.stationsForOperation(step.operation, m);
    const where = stations.length ? `at station ${stations.map((s) => s.code).join(' or ')}` : '(no station performs it yet)';
    throw new DomainError(
      'WRONG_OPERATION',
      `${label(kind)} ${unit.barcode} is waiting for operation ${step.operation} (route step ${step.seq}); scan it ${where}, not at ${station.code} (${station.operation})`,
      [],
      { expectedOperation: step.operation, expectedStations: stations.map((s) => s.code) },
    );
  }

  private async activeHolds(m: EntityManager, kind: UnitLevel, unit: Unit): Promise<HoldModel[]> {
    if (kind === 'ROLL') return this.holds.activeForRoll(unit as RollEntity, m);
    return this.holds.activeForSheet(unit as SheetEntity, m);
  }

  /**
   * Track-in at a step with a queue-time limit: if the unit has been in air too long since its last
   * vacuum step, a hold is placed on it (in this transaction, under the unit's row lock) and returned.
   * Only TRACK_IN is checked: it ends the exposure; a TRACK_OUT there would count processing time too.
   * No re-hold after RELEASE: the hold records the step and the vacuum track-out it counted from, and
   * an exposure (unit, step, track-out) whose hold was released with RELEASE counts as accepted. A new
   * vacuum track-out (after a REWORK, say) is a new exposure and is checked again.
   * The check reads the database only at steps with a limit, so other scans pay nothing for it.
   */
  private async queueTimeHold(
    m: EntityManager,
    actor: Actor,
    kind: UnitLevel,
    unit: Unit,
    steps: RouteStepEntity[],
    step: RouteStepEntity,
  ): Promise<HoldModel | null> {
    if (step.maxQueueMinutes === null) return null;
    const vacuumSeqs = vacuumStepsBefore(steps, step.seq);
    if (!vacuumSeqs.length) return null;
    const rollId = kind === 'ROLL' ? unit.id : (unit as SheetEntity).rollId;
    const exit = await this.queueTimes.lastVacuumExit(m, {
      unit: { kind, id: unit.id },
      sources: queueSources(kind, unit.id, rollId, await this.material.lineageLinks(rollId, m)),
      vacuumSeqs,
      routeStepId: step.id,
    });
    const reason = queueTimeHoldReason(step, exit);
    if (!reason || !exit) return null;
    return this.holdService.placeQueueTimeHold(m, actor, {
      unit: { kind, id: unit.id },
      reason,
      routeStepId: step.id,
      fromEventId: exit.eventId,
    });
  }

  private checkCounts(kind: UnitLevel, unit: Unit, input: ScanInput): void {
    const total = (input.goodCount ?? 0) + (input.rejectCount ?? 0);
    if (kind === 'SHEET') {
      const sheet = unit as SheetEntity;
      const cells = sheet.rows * sheet.cols;
      if (total > cells) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `goodCount + rejectCount = ${total} exceeds the ${cells} cells of sheet ${sheet.barcode}`,
          [{ path: 'input.goodCount', message: `expected goodCount + rejectCount <= ${cells}` }],
        );
      }
    } else if (total > 1) {
      throw new DomainError('VALIDATION_FAILED', `A roll is one unit: goodCount + rejectCount must be 0 or 1, got ${total}`, [
        { path: 'input.goodCount', message: 'expected at most 1 for a roll' },
      ]);
    }
  }

  /** Track-out: the unit moves to its next step, or its route ends here. */
  private advance(kind: UnitLevel, unit: Unit, steps: RouteStepEntity[], step: RouteStepEntity): void {
    const next = steps.find((s) => s.seq === step.seq + 1);
    if (kind === 'ROLL' && next?.level === 'SHEET') {
      const roll = unit as RollEntity;
      if (roll.sheetsCut === 0) {
        throw new DomainError(
          'CONFLICT',
          `Roll ${roll.barcode} has not been cut into sheets yet; cut it (cutSheets) before tracking it out of ${step.operation}`,
        );
      }
      // The roll is gone; its sheets, cut while it was in process here, now carry on.
      this.moveUnit(unit, { stepState: 'WAITING', stationId: null, status: 'CONSUMED' });
      return;
    }
    if (!next) this.moveUnit(unit, { stepState: 'WAITING', stationId: null, status: 'FINISHED' });
    else this.moveUnit(unit, { stepState: 'WAITING', stationId: null, stepSeq: next.seq });
  }

  /** The unit's new state, in memory; commitScan writes it together with its event. */
  private moveUnit(unit: Unit, change: Partial<Pick<Unit, 'stepState' | 'stationId' | 'status' | 'stepSeq'>>): void {
    Object.assign(unit, change);
  }

  private async equipmentAt(m: EntityManager, station: StationEntity, code: string): Promise<EquipmentEntity> {
    const eq = await this.masterDataRepo.equipmentByCode(code, m);
    if (!eq || eq.stationId !== station.id) {
      throw new DomainError('VALIDATION_FAILED', `Equipment ${code} is not at station ${station.code}`, [
        { path: 'input.equipmentCode', message: `expected equipment of station ${station.code}` },
      ]);
    }
    return eq;
  }

  private async result(
    m: EntityManager,
    kind: UnitLevel,
    unit: Unit,
    steps: RouteStepEntity[],
    event: ScanEventEntity,
    station: StationEntity,
    repeated: boolean,
  ): Promise<ScanResultModel> {
    const current = unit.status === 'ACTIVE' ? steps.find((s) => s.seq === unit.stepSeq) : undefined;
    const at = unit.stationId ? (unit.stationId === station.id ? station : await this.stationById(m, unit.stationId)) : null;
    return {
      unitKind: kind === 'ROLL' ? UnitLevelEnum.ROLL : UnitLevelEnum.SHEET,
      barcode: unit.barcode,
      status: unit.status as UnitStatusEnum,
      operation: current?.operation ?? null,
      stepState: unit.stepState as StepStateEnum,
      stationCode: at?.code ?? null,
      repeated,
      event: {
        id: event.id,
        action: event.action as ScanActionEnum,
        operation: event.operation,
        stationCode: station.code,
        goodCount: event.goodCount,
        rejectCount: event.rejectCount,
        actor: event.actor,
        at: event.at,
      },
    };
  }
}

/** The refusal of a unit that is on hold, naming the hold and what to do. */
function onHold(kind: UnitLevel, unit: Unit, h: HoldModel): DomainError {
  return new DomainError(
    'UNIT_ON_HOLD',
    `${label(kind)} ${unit.barcode} is on hold: ${h.reason} (hold ${h.id} on ${describeHoldTarget(h)}, placed by ${h.placedBy} at ${h.placedAt.toISOString()}); an engineer must release it first`,
    [],
    { holdId: h.id, holdReason: h.reason },
  );
}

/**
 * Singulated cells (<sheet>-R<row>C<col>) and stacks (STK-...) are scanned at the end of the line,
 * where the assembly service keeps them: say so instead of calling the code unknown.
 */
function endOfLineCode(barcode: string): string | null {
  const cell = /^(.+)-R(\d+)C(\d+)$/.exec(barcode);
  if (cell)
    return `${barcode} is singulated cell (${cell[2]}, ${cell[3]}) of sheet ${cell[1]}: scan it into a stack (addStackLayer) at a STACKING station, not through a route step`;
  if (barcode.startsWith('STK-'))
    return `${barcode} is a stack: it is started and built at a STACKING station (startStack, addStackLayer) moved along FORMATION and STACK_TEST by scanStack`;
  return null;
}

function label(kind: UnitLevel): string {
  return kind === 'ROLL' ? 'Roll' : 'Sheet';
}

export function describeHoldTarget(h: HoldModel): string {
  switch (h.target) {
    case HoldTargetEnum.ROLL:
      return `roll ${h.rollBarcode}`;
    case HoldTargetEnum.ROLL_REGION:
      return `roll ${h.rollBarcode} MD ${h.mdFromMm}-${h.mdToMm} mm`;
    case HoldTargetEnum.SHEET:
      return `sheet ${h.sheetBarcode}`;
    case HoldTargetEnum.CELL:
      return `cell (${h.row}, ${h.col}) of sheet ${h.sheetBarcode}`;
  }
}
