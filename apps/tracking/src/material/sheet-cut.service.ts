import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { planSheetCuts, sheetCapacity, sheetCellPositions } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import type { ProductEntity } from '../master-data/master-data.entities';
import { MasterDataRepository } from '../master-data/master-data.repository';
import { MasterDataService } from '../master-data/master-data.service';
import { cutStepSeq } from '../master-data/route-rules';
import type { RollEntity } from './material.entities';
import type { CutSheetsInput, CutSheetsResultModel } from './material.model';
import { MaterialRepository } from './material.repository';

/** Sheet barcodes name their roll and their place on it, e.g. S-R0001-0007. */
export function sheetBarcode(rollBarcode: string, sheetIndex: number): string {
  return `S-${rollBarcode}-${String(sheetIndex).padStart(4, '0')}`;
}

/**
 * Cutting a roll into sheets at its cut operation. Each sheet and all its cells are written with
 * two statements (the cells in one bulk INSERT ... SELECT FROM unnest), whatever the grid size.
 */
@Injectable()
export class SheetCutService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly masterData: MasterDataService,
    private readonly masterDataRepo: MasterDataRepository,
    private readonly material: MaterialRepository,
    private readonly audit: AuditService,
  ) {}

  async cut(actor: Actor, input: CutSheetsInput): Promise<CutSheetsResultModel> {
    return this.db.transaction(async (m) => {
      const roll = await this.material.lockRollByBarcode(m, input.rollBarcode);
      if (!roll)
        throw new DomainError('UNKNOWN_BARCODE', `Unknown roll barcode ${input.rollBarcode}`, [
          { path: 'input.rollBarcode', message: 'expected a registered roll' },
        ]);
      const station = await this.masterDataRepo.stationByCode(input.stationCode, m);
      if (!station)
        throw new DomainError('NOT_FOUND', `Unknown station ${input.stationCode}`, [
          { path: 'input.stationCode', message: 'expected an existing station code' },
        ]);
      const steps = await this.masterData.routeSteps(roll.routeId, m);
      const cutSeq = cutStepSeq(steps);
      const cutOperation = steps.find((s) => s.seq === cutSeq)?.operation;
      if (roll.status !== 'ACTIVE')
        throw new DomainError('UNIT_NOT_ACTIVE', `Roll ${roll.barcode} is ${roll.status}; only an ACTIVE roll can be cut`);
      if (cutSeq === null || roll.stepSeq !== cutSeq || roll.stepState !== 'IN_PROCESS' || roll.stationId !== station.id) {
        throw new DomainError(
          'WRONG_OPERATION',
          cutSeq === null
            ? `The route of roll ${roll.barcode} has no sheet steps, so it is never cut into sheets`
            : `Roll ${roll.barcode} must be tracked in at ${cutOperation} on station ${station.code} to be cut (it is ${roll.stepState} at step ${roll.stepSeq}: ${steps.find((s) => s.seq === roll.stepSeq)?.operation})`,
        );
      }
      const product = await this.masterDataRepo.productById(roll.productId, m);
      const geometry = {
        rollLengthMm: roll.lengthMm,
        leaderMm: product.leaderMm,
        trailerMm: product.trailerMm,
        sheetLengthMdMm: product.sheetLengthMdMm,
      };
      const cuts = planSheetCuts({ ...geometry, alreadyCut: roll.sheetsCut, count: input.count });
      if (cuts.length === 0) {
        throw new DomainError(
          'CONFLICT',
          `Roll ${roll.barcode} has no room for another sheet: ${roll.sheetsCut} of ${sheetCapacity(geometry)} sheets already cut`,
        );
      }
      const ids: string[] = [];
      for (const [i, cut] of cuts.entries()) {
        ids.push(await this.insertSheet(m, roll, product, cutSeq + 1, roll.sheetsCut + i + 1, cut.startMm, cut.endMm));
      }
      const before = roll.sheetsCut;
      roll.sheetsCut += cuts.length;
      await this.material.setSheetsCut(m, roll, roll.sheetsCut);
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CUT_SHEETS',
        entityType: 'Roll',
        entityKey: roll.barcode,
        before: { sheetsCut: before },
        after: {
          sheetsCut: roll.sheetsCut,
          sheets: cuts.map((c, i) => ({ barcode: sheetBarcode(roll.barcode, before + i + 1), mdStartMm: c.startMm, mdEndMm: c.endMm })),
        },
      });
      return { roll: await this.material.rollById(roll.id, m), sheets: await this.material.sheetsByIds(ids, m) };
    });
  }

  private async insertSheet(
    m: EntityManager,
    roll: RollEntity,
    product: ProductEntity,
    stepSeq: number,
    index: number,
    mdStartMm: number,
    mdEndMm: number,
  ): Promise<string> {
    return this.material.insertSheetWithCells(
      m,
      {
        barcode: sheetBarcode(roll.barcode, index),
        productId: roll.productId,
        routeId: roll.routeId,
        status: 'ACTIVE',
        stepSeq,
        stepState: 'WAITING',
        stationId: null,
        rollId: roll.id,
        sheetIndex: index,
        mdStartMm,
        mdEndMm,
        rows: product.rows,
        cols: product.cols,
      },
      sheetCellPositions(product, mdStartMm),
    );
  }
}
