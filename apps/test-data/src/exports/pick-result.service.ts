import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '@mes/auth';
import { E142FormatError, readPickResult } from '@mes/interop';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { PickResultRepository } from '@mes/test-data-store';

export interface PickResultAnswer {
  sheet: string;
  cells: number;
  picked: number;
  notPicked: number;
  /** Cells the picker took whose current result is not a pass grade (or that have no result). */
  pickedWithoutPassResult: number;
}

/** Stores what a picker did with a sheet's cells, from its E142 pick result (docs/exports.md). */
@Injectable()
export class PickResultService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly picks: PickResultRepository,
    private readonly audit: AuditService,
  ) {}

  async import(actor: Actor, sheet: string, xml: string): Promise<PickResultAnswer> {
    let result;
    try {
      result = readPickResult(xml, `pick result of ${sheet}`);
    } catch (e) {
      if (e instanceof E142FormatError) throw new DomainError('VALIDATION_FAILED', e.message, [{ path: e.where, message: e.message }]);
      throw e;
    }
    if (result.sheet !== sheet) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The pick result is for substrate ${result.sheet}, not sheet ${sheet}: post it to that sheet's URL`,
        [{ path: 'SubstrateMap@SubstrateId', message: `expected ${sheet}` }],
      );
    }
    const grid = await this.picks.testedGrid(sheet);
    if (!grid) throw new DomainError('NOT_FOUND', `No test of sheet ${sheet}: a pick result needs the sheet's tested map`);
    if (grid.rows !== result.rows || grid.cols !== result.cols) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The pick result is a ${result.rows} x ${result.cols} map; sheet ${sheet} is ${grid.rows} x ${grid.cols}`,
        [{ path: 'Layout/Dimension', message: `expected X=${grid.cols} Y=${grid.rows}` }],
      );
    }
    const cells = result.cells;
    return this.db.transaction(async (m) => {
      const before = await this.picks.counts(m, sheet);
      await this.picks.replace(m, sheet, actor.username, cells);
      const picked = cells.filter((c) => c.picked).length;
      const answer = {
        sheet,
        cells: cells.length,
        picked,
        notPicked: cells.length - picked,
        pickedWithoutPassResult: await this.picks.pickedWithoutPassResult(m, sheet),
      };
      await this.audit.record(m, {
        actor: actor.username,
        action: 'IMPORT_PICK_RESULT',
        entityType: 'Sheet',
        entityKey: sheet,
        before: before.cells ? before : undefined,
        after: answer,
      });
      return answer;
    });
  }
}
