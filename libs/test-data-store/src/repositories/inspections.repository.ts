import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DEFECT_ZONES, type SheetLayout } from '@mes/geometry';
import type { InspectionBody } from '@mes/sheet-test';
import { InspectionEntity } from '../inspection.entities';
import { BatchLoader } from '@mes/service-core';

/** The newest inspection of each sheet: the one the visual rules and the maps use. */
const NEWEST = `SELECT DISTINCT ON (sheet_barcode) * FROM test_data.inspections`;
const NEWEST_ORDER = `ORDER BY sheet_barcode, inspected_at DESC, received_at DESC`;

/** A defect an inspection saw, where it is on the sheet (sheet millimetres) and which cell it landed in. */
export interface DefectRow {
  /** The inspection station's id of the inspection. */
  inspectionId: string;
  /** Position in the inspection's defect list (from 0). */
  seq: number;
  defectClass: string;
  mdMm: number;
  cdMm: number;
  sizeUm: number;
  image: string | null;
  /** ACTIVE (in the active area of row, col), KERF or BORDER (row, col: the nearest cell). */
  zone: string;
  row: number;
  col: number;
}

/** Defects of one class: how many, and per cm² of inspected area. */
export interface DefectClassDensityRow {
  defectClass: string;
  count: number;
  perCm2: number;
}

/** Defects of the newest inspection of each sheet in scope, counted by class, and per cm² of the inspected area. */
export interface DefectDensityRow {
  sheetsInspected: number;
  areaCm2: number;
  count: number;
  perCm2: number | null;
  byClass: DefectClassDensityRow[];
}

/** One inspection of a sheet as stored. */
export interface InspectionRow {
  inspectionId: string;
  sheet: string;
  inspectedAt: Date;
  offsetMdMm: number;
  offsetCdMm: number;
  rotationDeg: number;
  defectCount: number;
}

/**
 * Shorts (soft bin 10) against defects over the tested cells of a roll's inspected sheets: the
 * fraction of shorted cells with a defect in or next to them (the 8 neighbours), against the same
 * fraction over every tested cell (what chance gives), and their ratio (lift).
 */
export interface DefectCorrelationRow {
  roll: string;
  sheetsInspected: number;
  cellsTested: number;
  cellsNearDefect: number;
  shorts: number;
  shortsNearDefect: number;
  shortFraction: number | null;
  chanceFraction: number | null;
  lift: number | null;
}

/** A defect's columns as PostgreSQL returns them. */
interface DefectColumns {
  inspection_id: string;
  sheet_barcode: string;
  seq: number;
  defect_class: string;
  md_mm: number;
  cd_mm: number;
  size_um: number;
  image_ref: string | null;
  zone: string;
  row: number;
  col: number;
}

const toDefect = (r: DefectColumns): DefectRow => ({
  inspectionId: r.inspection_id,
  seq: r.seq,
  defectClass: r.defect_class,
  mdMm: Number(r.md_mm),
  cdMm: Number(r.cd_mm),
  sizeUm: Number(r.size_um),
  image: r.image_ref,
  zone: r.zone,
  row: r.row,
  col: r.col,
});

/** Patterned area of a sheet: its length by the grid's width with the first column's margin on both sides. */
export function inspectedAreaCm2(layout: SheetLayout, mdFromMm = 0, mdToMm = layout.sheetLengthMdMm): number {
  const width = 2 * layout.firstCellCdMm + (layout.cols - 1) * layout.pitchCdMm;
  return (Math.max(0, Math.min(mdToMm, layout.sheetLengthMdMm) - Math.max(0, mdFromMm)) * width) / 100;
}

type CellKey = { sheetBarcode: string; row: number; col: number };

@Injectable()
export class InspectionsRepository {
  private readonly cellBatch = new BatchLoader<CellKey, DefectRow[]>(
    (keys) => this.defectsOfCells(keys),
    (k) => `${k.sheetBarcode}|${k.row}|${k.col}`,
    [],
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // ---- the ingest's writes, in its transaction

  /** The inspection's row; false when another post of the same inspectionId committed first. */
  async insertInspection(
    m: EntityManager,
    i: {
      id: string;
      body: InspectionBody;
      hash: string;
      rigId: string;
      sheet: { barcode: string; rollBarcode: string; productCode: string; mdStartMm: number; layout: SheetLayout };
    },
  ): Promise<boolean> {
    const inserted = (await m.query(
      `INSERT INTO test_data.inspections (id, inspection_id, content_hash, rig_id, sheet_barcode, roll_barcode, product_code, md_start_mm, layout,
         offset_md_mm, offset_cd_mm, rotation_deg, inspected_at, defect_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (inspection_id) DO NOTHING RETURNING id`,
      [
        i.id,
        i.body.inspectionId,
        i.hash,
        i.rigId,
        i.sheet.barcode,
        i.sheet.rollBarcode,
        i.sheet.productCode,
        i.sheet.mdStartMm,
        JSON.stringify(i.sheet.layout),
        i.body.alignment.offsetMdMm,
        i.body.alignment.offsetCdMm,
        i.body.alignment.rotationDeg,
        i.body.inspectedAt,
        i.body.defects.length,
      ],
    )) as unknown[];
    return inserted.length > 0;
  }

  /** An inspection's defects with the zone and cell each was mapped to, in one statement. */
  async insertDefects(
    m: EntityManager,
    inspectionUuid: string,
    sheetBarcode: string,
    defects: InspectionBody['defects'],
    places: { zone: ArrayLike<number>; row: ArrayLike<number>; col: ArrayLike<number> },
  ): Promise<void> {
    await m.query(
      `INSERT INTO test_data.inspection_defects (inspection_uuid, seq, sheet_barcode, defect_class, md_mm, cd_mm, size_um, image_ref, zone, row, col)
       SELECT $1, u.ord - 1, $2, u.cls, u.md, u.cd, u.size, u.image, u.zone, u.row, u.col
         FROM unnest($3::varchar[], $4::float8[], $5::float8[], $6::float8[], $7::varchar[], $8::varchar[], $9::smallint[], $10::smallint[])
              WITH ORDINALITY AS u(cls, md, cd, size, image, zone, row, col, ord)`,
      [
        inspectionUuid,
        sheetBarcode,
        defects.map((d) => d.class),
        defects.map((d) => d.mdMm),
        defects.map((d) => d.cdMm),
        defects.map((d) => d.sizeUm),
        defects.map((d) => d.image),
        Array.from(places.zone, (z) => DEFECT_ZONES[z]),
        Array.from(places.row),
        Array.from(places.col),
      ],
    );
  }

  byInspectionId(inspectionId: string): Promise<InspectionEntity | null> {
    return this.db.getRepository(InspectionEntity).findOne({ where: { inspectionId } });
  }

  /** How many of an inspection's defects lie in each zone. */
  defectsByZone(inspectionUuid: string): Promise<{ zone: string; n: number }[]> {
    return this.db.query<{ zone: string; n: number }[]>(
      `SELECT zone, count(*)::int AS n FROM test_data.inspection_defects WHERE inspection_uuid = $1 GROUP BY zone`,
      [inspectionUuid],
    );
  }

  // ---- reads

  async inspectionsOfSheet(sheet: string): Promise<InspectionRow[]> {
    const rows = (await this.db.query(
      `SELECT inspection_id, sheet_barcode, inspected_at, offset_md_mm, offset_cd_mm, rotation_deg, defect_count
         FROM test_data.inspections WHERE sheet_barcode = $1 ORDER BY inspected_at, received_at`,
      [sheet],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({
      inspectionId: String(r.inspection_id),
      sheet: String(r.sheet_barcode),
      inspectedAt: r.inspected_at as Date,
      offsetMdMm: Number(r.offset_md_mm),
      offsetCdMm: Number(r.offset_cd_mm),
      rotationDeg: Number(r.rotation_deg),
      defectCount: Number(r.defect_count),
    }));
  }

  /** Every defect of the sheet's newest inspection, in the station's order. */
  async defectsOfSheet(sheet: string): Promise<DefectRow[]> {
    const rows = (await this.db.query(
      `SELECT i.inspection_id, d.sheet_barcode, d.seq, d.defect_class, d.md_mm, d.cd_mm, d.size_um, d.image_ref, d.zone, d.row, d.col
         FROM (${NEWEST} WHERE sheet_barcode = $1 ${NEWEST_ORDER}) i
         JOIN test_data.inspection_defects d ON d.inspection_uuid = i.id
        ORDER BY d.seq`,
      [sheet],
    )) as DefectColumns[];
    return rows.map(toDefect);
  }

  /** A cell's defects (in its active area, or in the kerf or border nearest to it); cells of one answer share one query. */
  defectsOfCell(key: CellKey): Promise<DefectRow[]> {
    return this.cellBatch.load(key);
  }

  private async defectsOfCells(keys: CellKey[]): Promise<Map<string, DefectRow[]>> {
    const rows = (await this.db.query(
      `SELECT i.inspection_id, d.sheet_barcode, d.seq, d.defect_class, d.md_mm, d.cd_mm, d.size_um, d.image_ref, d.zone, d.row, d.col
         FROM (${NEWEST} WHERE sheet_barcode = ANY($1::text[]) ${NEWEST_ORDER}) i
         JOIN test_data.inspection_defects d ON d.inspection_uuid = i.id
         JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::int[], $3::int[])) AS q(sheet, row, col) ON q.sheet = d.sheet_barcode AND q.row = d.row AND q.col = d.col
        ORDER BY d.seq`,
      [keys.map((k) => k.sheetBarcode), keys.map((k) => k.row), keys.map((k) => k.col)],
    )) as DefectColumns[];
    const out = new Map<string, DefectRow[]>();
    for (const r of rows) {
      const id = `${r.sheet_barcode}|${r.row}|${r.col}`;
      const list = out.get(id) ?? [];
      list.push(toDefect(r));
      out.set(id, list);
    }
    return out;
  }

  /**
   * Counts and densities by class of the newest inspection of each sheet in scope: one sheet, or the
   * sheets of a roll, optionally only the roll's MD stretch [mdFromMm, mdToMm) (defects by their roll
   * MD, the area by each sheet's overlap with the stretch).
   */
  async density(scope: { sheet?: string; roll?: string; mdFromMm?: number; mdToMm?: number }): Promise<DefectDensityRow> {
    const inspections = (await this.db.query(
      `SELECT id, md_start_mm, layout FROM (${NEWEST} WHERE ${scope.sheet ? 'sheet_barcode' : 'roll_barcode'} = $1 ${NEWEST_ORDER}) i`,
      [scope.sheet ?? scope.roll],
    )) as { id: string; md_start_mm: number | null; layout: SheetLayout }[];
    const from = scope.mdFromMm ?? -Infinity;
    const to = scope.mdToMm ?? Infinity;
    let area = 0;
    const inScope: string[] = [];
    for (const i of inspections) {
      const start = i.md_start_mm === null ? 0 : Number(i.md_start_mm);
      const a = inspectedAreaCm2(i.layout, from - start, to - start);
      if (a > 0) {
        area += a;
        inScope.push(i.id);
      }
    }
    const counts = (await this.db.query(
      `SELECT d.defect_class, count(*)::int AS n
         FROM test_data.inspection_defects d JOIN test_data.inspections i ON i.id = d.inspection_uuid
        WHERE d.inspection_uuid = ANY($1::uuid[]) AND coalesce(i.md_start_mm, 0) + d.md_mm >= $2::float8 AND coalesce(i.md_start_mm, 0) + d.md_mm < $3::float8
        GROUP BY d.defect_class ORDER BY count(*) DESC, d.defect_class`,
      [inScope, Number.isFinite(from) ? from : -1e15, Number.isFinite(to) ? to : 1e15],
    )) as { defect_class: string; n: number }[];
    const total = counts.reduce((s, c) => s + c.n, 0);
    return {
      sheetsInspected: inScope.length,
      areaCm2: area,
      count: total,
      perCm2: area > 0 ? total / area : null,
      byClass: counts.map((c) => ({ defectClass: c.defect_class, count: c.n, perCm2: area > 0 ? c.n / area : 0 })),
    };
  }

  /** See DefectCorrelationRow: shorts (soft bin 10) with a defect in or next to them, against all tested cells. */
  async correlation(roll: string): Promise<DefectCorrelationRow> {
    const [r] = (await this.db.query(
      `WITH insp AS (${NEWEST} WHERE roll_barcode = $1 ${NEWEST_ORDER}),
            d AS (SELECT DISTINCT d.sheet_barcode, d.row, d.col FROM test_data.inspection_defects d JOIN insp ON insp.id = d.inspection_uuid),
            c AS (SELECT r.soft_bin = 10 AS short,
                         EXISTS (SELECT 1 FROM d WHERE d.sheet_barcode = r.sheet_barcode AND d.row BETWEEN r.row - 1 AND r.row + 1
                                                   AND d.col BETWEEN r.col - 1 AND r.col + 1) AS near
                    FROM test_data.current_cell_results r JOIN insp ON insp.sheet_barcode = r.sheet_barcode)
       SELECT (SELECT count(*) FROM insp)::int AS sheets, count(*)::int AS cells, count(*) FILTER (WHERE near)::int AS near,
              count(*) FILTER (WHERE short)::int AS shorts, count(*) FILTER (WHERE short AND near)::int AS shorts_near
         FROM c`,
      [roll],
    )) as { sheets: number; cells: number; near: number; shorts: number; shorts_near: number }[];
    const shortFraction = r.shorts > 0 ? r.shorts_near / r.shorts : null;
    const chanceFraction = r.cells > 0 ? r.near / r.cells : null;
    return {
      roll,
      sheetsInspected: r.sheets,
      cellsTested: r.cells,
      cellsNearDefect: r.near,
      shorts: r.shorts,
      shortsNearDefect: r.shorts_near,
      shortFraction,
      chanceFraction,
      lift: shortFraction !== null && chanceFraction ? shortFraction / chanceFraction : null,
    };
  }
}
