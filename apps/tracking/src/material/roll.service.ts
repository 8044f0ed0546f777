import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { layoutProblems, slitLinks, spliceLinks, type RollLink } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { MasterDataRepository } from '../master-data/master-data.repository';
import type { RollEntity } from './material.entities';
import type { RegisterRollInput, RollModel, SlitRollInput, SpliceRollsInput } from './material.model';
import { MaterialRepository } from './material.repository';

/** Rolls: registration from a substrate lot, and the genealogy operations that make rolls from rolls. */
@Injectable()
export class RollService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly masterData: MasterDataRepository,
    private readonly material: MaterialRepository,
    private readonly audit: AuditService,
  ) {}

  async register(actor: Actor, input: RegisterRollInput): Promise<RollModel> {
    return this.db.transaction(async (m) => {
      const product = await this.masterData.productByCode(input.productCode, m);
      if (!product) {
        throw new DomainError('NOT_FOUND', `Unknown product ${input.productCode}`, [
          { path: 'input.productCode', message: 'expected an existing product code' },
        ]);
      }
      const problems = layoutProblems(product, input.widthMm);
      if (problems.length) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `Product ${product.code} does not fit a ${input.widthMm} mm web: ${problems.join('; ')}`,
          [{ path: 'input.widthMm', message: problems.join('; ') }],
        );
      }
      const route = await this.masterData.currentRoute(product.id, m);
      if (!route) throw new DomainError('CONFLICT', `Product ${product.code} has no route yet`);
      await this.refuseTakenBarcode(m, input.barcode, 'input.barcode');
      const roll = await this.material.insertRoll(m, {
        barcode: input.barcode,
        productId: product.id,
        routeId: route.id,
        status: 'ACTIVE',
        stepSeq: 1,
        stepState: 'WAITING',
        stationId: null,
        widthMm: input.widthMm,
        lengthMm: input.lengthM * 1000,
        substrateThicknessUm: input.substrateThicknessUm ?? null,
        supplierLot: input.supplierLot ?? null,
        origin: 'SUBSTRATE',
        sheetsCut: 0,
        createdBy: actor.username,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'REGISTER_ROLL',
        entityType: 'Roll',
        entityKey: roll.barcode,
        after: input,
      });
      return this.material.rollById(roll.id, m);
    });
  }

  /** Join rolls end to end; each part begins at its MD offset on the new roll. */
  async splice(actor: Actor, input: SpliceRollsInput): Promise<RollModel> {
    return this.db.transaction(async (m) => {
      const parts = await this.lockAll(
        m,
        input.parts.map((p) => p.barcode),
        'input.parts',
      );
      const first = parts[0];
      for (const [i, p] of parts.entries()) {
        this.requireWaitingActive(p, `input.parts[${i}]`);
        if (p.productId !== first.productId || p.routeId !== first.routeId || p.stepSeq !== first.stepSeq) {
          throw new DomainError(
            'CONFLICT',
            `Roll ${p.barcode} cannot be spliced to ${first.barcode}: spliced rolls must share product, route version and current step`,
            [{ path: `input.parts[${i}].barcode`, message: 'expected the same product, route version and step as the first part' }],
          );
        }
      }
      await this.refuseTakenBarcode(m, input.newBarcode, 'input.newBarcode');
      let plan: { links: RollLink[]; lengthMm: number };
      try {
        plan = spliceLinks(
          'new',
          input.parts.map((p, i) => ({ rollId: parts[i].id, lengthMm: parts[i].lengthMm, mdOffsetMm: p.mdOffsetMm })),
        );
      } catch (e) {
        throw new DomainError('VALIDATION_FAILED', `Invalid splice: ${this.describeIds(e, parts)}`, [
          { path: 'input.parts', message: this.describeIds(e, parts) },
        ]);
      }
      const roll = await this.material.insertRoll(m, {
        barcode: input.newBarcode,
        productId: first.productId,
        routeId: first.routeId,
        status: 'ACTIVE',
        stepSeq: first.stepSeq,
        stepState: 'WAITING',
        stationId: null,
        widthMm: Math.min(...parts.map((p) => p.widthMm)),
        lengthMm: plan.lengthMm,
        substrateThicknessUm: first.substrateThicknessUm,
        supplierLot: null,
        origin: 'SPLICE',
        sheetsCut: 0,
        createdBy: actor.username,
      });
      await this.insertLinks(
        m,
        actor,
        'SPLICE',
        plan.links.map((l) => ({ ...l, childRollId: roll.id })),
      );
      await this.consume(m, actor, parts, `spliced into ${roll.barcode}`);
      await this.audit.record(m, {
        actor: actor.username,
        action: 'SPLICE_ROLLS',
        entityType: 'Roll',
        entityKey: roll.barcode,
        after: { parts: input.parts, lengthMm: plan.lengthMm },
      });
      return this.material.rollById(roll.id, m);
    });
  }

  /** Cut a roll along MD into lanes; each lane becomes a roll whose CD 0 is its own operator-side edge. */
  async slit(actor: Actor, input: SlitRollInput): Promise<RollModel[]> {
    return this.db.transaction(async (m) => {
      const [parent] = await this.lockAll(m, [input.barcode], 'input.barcode');
      this.requireWaitingActive(parent, 'input.barcode');
      for (const [i, lane] of input.lanes.entries()) await this.refuseTakenBarcode(m, lane.barcode, `input.lanes[${i}].barcode`);
      try {
        slitLinks(
          parent.id,
          parent.widthMm,
          parent.lengthMm,
          input.lanes.map((l) => ({ rollId: l.barcode, cdStartMm: l.cdStartMm, cdEndMm: l.cdEndMm })),
        );
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        throw new DomainError('VALIDATION_FAILED', `Invalid slit of ${parent.barcode}: ${message}`, [{ path: 'input.lanes', message }]);
      }
      const children: RollEntity[] = [];
      for (const lane of input.lanes) {
        const child = await this.material.insertRoll(m, {
          barcode: lane.barcode,
          productId: parent.productId,
          routeId: parent.routeId,
          status: 'ACTIVE',
          stepSeq: parent.stepSeq,
          stepState: 'WAITING',
          stationId: null,
          widthMm: lane.cdEndMm - lane.cdStartMm,
          lengthMm: parent.lengthMm,
          substrateThicknessUm: parent.substrateThicknessUm,
          supplierLot: parent.supplierLot,
          origin: 'SLIT',
          sheetsCut: 0,
          createdBy: actor.username,
        });
        children.push(child);
        await this.insertLinks(
          m,
          actor,
          'SLIT',
          slitLinks(parent.id, parent.widthMm, parent.lengthMm, [{ rollId: child.id, cdStartMm: lane.cdStartMm, cdEndMm: lane.cdEndMm }]),
        );
      }
      await this.consume(m, actor, [parent], `slit into ${children.map((c) => c.barcode).join(', ')}`);
      await this.audit.record(m, {
        actor: actor.username,
        action: 'SLIT_ROLL',
        entityType: 'Roll',
        entityKey: parent.barcode,
        after: { lanes: input.lanes },
      });
      return Promise.all(children.map((c) => this.material.rollById(c.id, m)));
    });
  }

  private async lockAll(m: EntityManager, barcodes: string[], path: string): Promise<RollEntity[]> {
    const seen = new Set<string>();
    const out: RollEntity[] = [];
    for (const [i, barcode] of barcodes.entries()) {
      if (seen.has(barcode))
        throw new DomainError('VALIDATION_FAILED', `Roll ${barcode} is named twice`, [
          { path: `${path}[${i}]`, message: 'expected each roll once' },
        ]);
      seen.add(barcode);
      const roll = await this.material.lockRollByBarcode(m, barcode);
      if (!roll)
        throw new DomainError('UNKNOWN_BARCODE', `Unknown roll barcode ${barcode}`, [
          { path, message: 'expected the barcode of a registered roll' },
        ]);
      out.push(roll);
    }
    return out;
  }

  private requireWaitingActive(roll: RollEntity, path: string): void {
    if (roll.status !== 'ACTIVE') {
      throw new DomainError('UNIT_NOT_ACTIVE', `Roll ${roll.barcode} is ${roll.status}; only an ACTIVE roll can be spliced or slit`, [
        { path, message: 'expected an ACTIVE roll' },
      ]);
    }
    if (roll.stepState !== 'WAITING') {
      throw new DomainError(
        'ALREADY_IN_PROCESS',
        `Roll ${roll.barcode} is tracked in at a station; track it out before splicing or slitting`,
        [{ path, message: 'expected a roll waiting between operations' }],
      );
    }
  }

  private async refuseTakenBarcode(m: EntityManager, barcode: string, path: string): Promise<void> {
    if (await this.material.barcodeTaken(m, barcode))
      throw new DomainError('CONFLICT', `Barcode ${barcode} is already in use`, [
        { path, message: 'expected a barcode not used by any roll or sheet' },
      ]);
  }

  private async insertLinks(m: EntityManager, actor: Actor, kind: 'SPLICE' | 'SLIT', links: RollLink[]): Promise<void> {
    await this.material.insertRollLinks(
      m,
      links.map((l) => ({ ...l, kind, createdBy: actor.username })),
    );
  }

  private async consume(m: EntityManager, actor: Actor, rolls: RollEntity[], why: string): Promise<void> {
    for (const roll of rolls) {
      await this.material.setRollStatus(m, roll.id, 'CONSUMED');
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CONSUME_ROLL',
        entityType: 'Roll',
        entityKey: roll.barcode,
        before: { status: roll.status },
        after: { status: 'CONSUMED', why },
      });
    }
  }

  private describeIds(e: unknown, parts: RollEntity[]): string {
    let message = e instanceof Error ? e.message : String(e);
    for (const p of parts) message = message.replace(new RegExp(`\\bpart ${p.id}\\b`, 'g'), `part ${p.barcode}`);
    return message;
  }
}
