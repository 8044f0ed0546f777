import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '@mes/auth';
import { E142FormatError, readPickResult } from '@mes/interop';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';

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
    const grid = await this.db.query<{ rows: number; cols: number }[]>(
      `SELECT rows, cols FROM test_data.sheet_tests WHERE sheet_barcode = $1 ORDER BY received_at DESC LIMIT 1`,
      [sheet],
    );
    if (!grid.length) throw new DomainError('NOT_FOUND', `No test of sheet ${sheet}: a pick result needs the sheet's tested map`);
    if (grid[0].rows !== result.rows || grid[0].cols !== result.cols) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `The pick result is a ${result.rows} x ${result.cols} map; sheet ${sheet} is ${grid[0].rows} x ${grid[0].cols}`,
        [{ path: 'Layout/Dimension', message: `expected X=${grid[0].cols} Y=${grid[0].rows}` }],
      );
    }
    const cells = result.cells;
    return this.db.transaction(async (m) => {
      const before = await m.query<{ cells: number; picked: number }[]>(
        `SELECT count(*)::int AS cells, count(*) FILTER (WHERE picked)::int AS picked FROM test_data.pick_result_cells WHERE sheet_barcode = $1`,
        [sheet],
      );
      await m.query(`DELETE FROM test_data.pick_result_cells WHERE sheet_barcode = $1`, [sheet]);
      await m.query(
        `INSERT INTO test_data.pick_result_cells (sheet_barcode, row, col, code, description, picked, imported_at, imported_by)
         SELECT $1, r, c, code, left(d, 64), p, now(), $2 FROM unnest($3::smallint[], $4::smallint[], $5::smallint[], $6::text[], $7::boolean[]) AS u(r, c, code, d, p)`,
        [
          sheet,
          actor.username,
          cells.map((c) => c.row),
          cells.map((c) => c.col),
          cells.map((c) => c.code),
          cells.map((c) => c.description),
          cells.map((c) => c.picked),
        ],
      );
      const odd = await m.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM test_data.pick_result_cells p
           LEFT JOIN test_data.current_cell_results r ON r.sheet_barcode = p.sheet_barcode AND r.row = p.row AND r.col = p.col
          WHERE p.sheet_barcode = $1 AND p.picked AND (r.soft_bin IS NULL OR r.soft_bin NOT BETWEEN 1 AND 9)`,
        [sheet],
      );
      const picked = cells.filter((c) => c.picked).length;
      const answer = { sheet, cells: cells.length, picked, notPicked: cells.length - picked, pickedWithoutPassResult: odd[0].n };
      await this.audit.record(m, {
        actor: actor.username,
        action: 'IMPORT_PICK_RESULT',
        entityType: 'Sheet',
        entityKey: sheet,
        before: before[0].cells ? before[0] : undefined,
        after: answer,
      });
      return answer;
    });
  }
}
