import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READS } from './reads';
import type { DataSource } from 'typeorm';

/** An MD region of a roll under a label (a recipe parameter value, an experiment arm, ...). */
export interface LabelledRegion {
  label: string;
  rollBarcode: string;
  mdStartMm: number;
  mdEndMm: number;
}

/** The cells whose centre lies in a label's regions: how many were tested and passed, first pass and final. */
export interface RegionYieldRow {
  label: string;
  cellsTested: number;
  /** Cells whose current result is a pass bin. */
  cellsPassed: number;
  firstPassYield: number | null;
  finalYield: number | null;
}

/** Yield of the current cell results inside labelled roll MD regions, one row per label. */
@Injectable()
export class RegionYieldRepository {
  /** Region yields read the read replica when there is one (reads.ts). */
  constructor(@InjectDataSource(READS) private readonly db: DataSource) {}

  async yieldByLabel(regions: LabelledRegion[]): Promise<RegionYieldRow[]> {
    const rows = await this.db.query<{ label: string; cells: number; first_pass: number; final_pass: number }[]>(
      `SELECT reg.label, count(c.row)::int AS cells,
              count(c.row) FILTER (WHERE c.first_soft_bin BETWEEN 1 AND 9)::int AS first_pass,
              count(c.row) FILTER (WHERE c.soft_bin BETWEEN 1 AND 9)::int AS final_pass
         FROM unnest($1::varchar[], $2::varchar[], $3::float8[], $4::float8[]) AS reg(label, roll, md_start, md_end)
         LEFT JOIN test_data.current_cell_results c ON c.roll_barcode = reg.roll AND c.md_mm >= reg.md_start AND c.md_mm < reg.md_end
        GROUP BY reg.label ORDER BY reg.label`,
      [regions.map((r) => r.label), regions.map((r) => r.rollBarcode), regions.map((r) => r.mdStartMm), regions.map((r) => r.mdEndMm)],
    );
    return rows.map((r) => ({
      label: r.label,
      cellsTested: r.cells,
      cellsPassed: r.final_pass,
      firstPassYield: r.cells ? r.first_pass / r.cells : null,
      finalYield: r.cells ? r.final_pass / r.cells : null,
    }));
  }
}
