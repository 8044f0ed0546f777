import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, DeepPartial, EntityManager } from 'typeorm';
import { SingulationReportEntity, type SingulatedCellEntity } from '../database/assembly.entities';

/** One cell of a singulation report as stored: picked (in its carrier pocket) or broken (with its reason). */
export type SingulatedCellRow = Pick<
  SingulatedCellEntity,
  | 'row'
  | 'col'
  | 'mdMm'
  | 'cdMm'
  | 'softBin'
  | 'hardBin'
  | 'asrOhmCm2'
  | 'rOhmicOhm'
  | 'rTotalOhm'
  | 'capacityMah'
  | 'capacitySource'
  | 'status'
  | 'carrier'
  | 'position'
  | 'scrapReason'
>;

/** Singulation reports and the singulated cells they bring into assembly. */
@Injectable()
export class SingulationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  reportOf(sheetBarcode: string, m: EntityManager = this.db.manager): Promise<SingulationReportEntity | null> {
    return m.findOne(SingulationReportEntity, { where: { sheetBarcode } });
  }

  insertReport(m: EntityManager, row: DeepPartial<SingulationReportEntity>): Promise<SingulationReportEntity> {
    return m.save(m.create(SingulationReportEntity, row));
  }

  /** The report's cells of one sheet, in one statement. */
  async insertCells(
    m: EntityManager,
    report: { id: string; sheetBarcode: string; rollBarcode: string },
    cells: SingulatedCellRow[],
  ): Promise<void> {
    await m.query(
      `INSERT INTO assembly.singulated_cells (sheet_barcode, row, col, roll_barcode, md_mm, cd_mm, soft_bin, hard_bin, asr_ohm_cm2, r_ohmic_ohm, r_total_ohm, capacity_mah, capacity_source, status, carrier, position, scrap_reason, report_id)
       SELECT $1, r, c, $2, md, cd, sb, hb, asr, r0, rt, cap, src, st, car, pos, why, $3
         FROM unnest($4::int[], $5::int[], $6::float8[], $7::float8[], $8::int[], $9::int[], $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::text[], $15::text[], $16::text[], $17::int[], $18::text[])
           AS u(r, c, md, cd, sb, hb, asr, r0, rt, cap, src, st, car, pos, why)`,
      [
        report.sheetBarcode,
        report.rollBarcode,
        report.id,
        cells.map((x) => x.row),
        cells.map((x) => x.col),
        cells.map((x) => x.mdMm),
        cells.map((x) => x.cdMm),
        cells.map((x) => x.softBin),
        cells.map((x) => x.hardBin),
        cells.map((x) => x.asrOhmCm2),
        cells.map((x) => x.rOhmicOhm),
        cells.map((x) => x.rTotalOhm),
        cells.map((x) => x.capacityMah),
        cells.map((x) => x.capacitySource),
        cells.map((x) => x.status),
        cells.map((x) => x.carrier),
        cells.map((x) => x.position),
        cells.map((x) => x.scrapReason),
      ],
    );
  }
}
