import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, DeepPartial, EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { SingulatedCellEntity, StackEntity, StackLayerEntity, StackTestEntity } from '../database/assembly.entities';

/** A stack found by where-used, with the codes of its cells that were asked about. */
export interface StackUseRow {
  barcode: string;
  status: string;
  bin: string | null;
  codes: string[];
}

/** Stacks, their layers (the singulated cells they hold) and their final tests. */
@Injectable()
export class StackRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  byBarcode(barcode: string, m: EntityManager = this.db.manager): Promise<StackEntity | null> {
    return m.findOne(StackEntity, { where: { barcode } });
  }

  byId(id: string, m: EntityManager = this.db.manager): Promise<StackEntity | null> {
    return m.findOne(StackEntity, { where: { id } });
  }

  /** The row under a write lock: scans, tests and imports of one stack are served in turn. */
  lock(m: EntityManager, barcode: string): Promise<StackEntity | null> {
    return m.findOne(StackEntity, { where: { barcode }, lock: { mode: 'pessimistic_write' } });
  }

  /** How many stacks a work order has started. */
  startedFor(m: EntityManager, workOrderId: string): Promise<number> {
    return m.count(StackEntity, { where: { workOrderId } });
  }

  insert(m: EntityManager, row: DeepPartial<StackEntity>): Promise<StackEntity> {
    return m.save(m.create(StackEntity, row));
  }

  /** Writes the named columns of one stack's row. */
  async update(
    m: EntityManager,
    id: string,
    patch: Partial<Pick<StackEntity, 'status' | 'step' | 'electrochemicalState' | 'stationCode' | 'bin' | 'binReason'>>,
  ): Promise<void> {
    await m.update(StackEntity, { id }, patch);
  }

  /** Its last layer is in: BUILT, with the database's time. */
  async markBuilt(m: EntityManager, id: string): Promise<void> {
    await m.update(StackEntity, { id }, { status: 'BUILT', builtAt: () => 'now()' } as never);
  }

  /** Scraps those of the named stacks not scrapped yet, locking them first (two callers at once scrap each once); answers their barcodes. */
  async scrapUnscrapped(m: EntityManager, barcodes: string[]): Promise<string[]> {
    const scrapped = await m.query<{ barcode: string }[]>(
      `SELECT barcode FROM assembly.stacks WHERE barcode = ANY($1::text[]) AND status <> 'SCRAPPED' ORDER BY id FOR UPDATE`,
      [barcodes],
    );
    await m.query(`UPDATE assembly.stacks SET status = 'SCRAPPED' WHERE barcode = ANY($1::text[])`, [scrapped.map((r) => r.barcode)]);
    return scrapped.map((r) => r.barcode);
  }

  /** A singulated cell under a write lock (a cell goes into one stack at most). */
  lockCell(m: EntityManager, cell: { sheetBarcode: string; row: number; col: number }): Promise<SingulatedCellEntity | null> {
    return m.findOne(SingulatedCellEntity, {
      where: { sheetBarcode: cell.sheetBarcode, row: cell.row, col: cell.col },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** The stack and layer a stacked cell is in. */
  layerOf(m: EntityManager, cellId: string): Promise<{ barcode: string; layer_index: number }[]> {
    return m.query<{ barcode: string; layer_index: number }[]>(
      `SELECT s.barcode, l.layer_index FROM assembly.stack_layers l JOIN assembly.stacks s ON s.id = l.stack_id WHERE l.cell_id = $1`,
      [cellId],
    );
  }

  /** The next layer, and its cell marked STACKED in that stack. */
  async addLayer(m: EntityManager, layer: { stackId: string; layerIndex: number; cellId: string; addedBy: string }): Promise<void> {
    await m.insert(StackLayerEntity, layer);
    await m.update(SingulatedCellEntity, { id: layer.cellId }, { status: 'STACKED', stackId: layer.stackId });
  }

  /** The cells in inventory (SINGULATED) of one grade. */
  available(grade: number): Promise<SingulatedCellEntity[]> {
    return this.db.getRepository(SingulatedCellEntity).find({ where: { status: 'SINGULATED', softBin: grade } });
  }

  /** The smallest capacity (and its source) among the cells in inventory of the given grades; none when there is no such cell. */
  smallestCapacity(m: EntityManager, grades: number[]): Promise<{ capacityMah: number; capacitySource: 'PREDICTED' | 'NOMINAL' }[]> {
    return m.query<{ capacityMah: number; capacitySource: 'PREDICTED' | 'NOMINAL' }[]>(
      `SELECT capacity_mah AS "capacityMah", capacity_source AS "capacitySource" FROM assembly.singulated_cells
        WHERE status = 'SINGULATED' AND soft_bin = ANY($1::int[]) AND capacity_mah > 0 ORDER BY capacity_mah LIMIT 1`,
      [grades],
    );
  }

  /** A stack's layer cells in build order. */
  layerCells(stackId: string, m: EntityManager = this.db.manager): Promise<SingulatedCellEntity[]> {
    return m.query<SingulatedCellEntity[]>(
      `SELECT c.id, c.sheet_barcode AS "sheetBarcode", c.row, c.col, c.roll_barcode AS "rollBarcode", c.md_mm AS "mdMm", c.cd_mm AS "cdMm", c.soft_bin AS "softBin",
              c.hard_bin AS "hardBin", c.asr_ohm_cm2 AS "asrOhmCm2", c.r_ohmic_ohm AS "rOhmicOhm", c.r_total_ohm AS "rTotalOhm", c.capacity_mah AS "capacityMah", c.capacity_source AS "capacitySource",
              c.status, c.carrier, c.position
         FROM assembly.stack_layers l JOIN assembly.singulated_cells c ON c.id = l.cell_id WHERE l.stack_id = $1 ORDER BY l.layer_index`,
      [stackId],
    );
  }

  /** A stack's final tests, oldest first. */
  tests(stackId: string): Promise<StackTestEntity[]> {
    return this.db.getRepository(StackTestEntity).find({ where: { stackId }, order: { id: 'ASC' } });
  }

  testById(testId: string, m: EntityManager = this.db.manager): Promise<StackTestEntity | null> {
    return m.findOne(StackTestEntity, { where: { testId } });
  }

  async insertTest(m: EntityManager, row: QueryDeepPartialEntity<StackTestEntity>): Promise<void> {
    await m.insert(StackTestEntity, row);
  }

  /**
   * The stacks holding a cell of the given roll MD regions (merged per roll: no cell is in two of
   * them), optionally only of one sheet; with no region, those holding a cell of the sheet. One
   * range scan of (roll, MD, stack) per region and one row per stack: a wide region reaches tens of
   * thousands of cells.
   */
  stacksHolding(
    regions: { rollBarcode: string; fromMm: number; toMm: number }[],
    sheet: string | null | undefined,
  ): Promise<StackUseRow[]> {
    const [cells, params] = regions.length
      ? [
          `SELECT c.stack_id, c.sheet_barcode, c.row, c.col
             FROM unnest($1::text[], $2::float8[], $3::float8[]) AS r(roll, md_from, md_to)
             JOIN assembly.singulated_cells c ON c.roll_barcode = r.roll AND c.md_mm >= r.md_from AND c.md_mm < r.md_to
            WHERE c.stack_id IS NOT NULL AND ($4::text IS NULL OR c.sheet_barcode = $4)`,
          [regions.map((r) => r.rollBarcode), regions.map((r) => r.fromMm), regions.map((r) => r.toMm), sheet ?? null],
        ]
      : [
          `SELECT c.stack_id, c.sheet_barcode, c.row, c.col FROM assembly.singulated_cells c
            WHERE c.stack_id IS NOT NULL AND c.sheet_barcode = $1`,
          [sheet],
        ];
    return this.db.query<StackUseRow[]>(
      `SELECT s.barcode, s.status, s.bin, w.codes
         FROM (SELECT u.stack_id, array_agg(u.sheet_barcode || '-R' || u.row || 'C' || u.col ORDER BY u.sheet_barcode, u.row, u.col) AS codes
                 FROM (${cells}) u
                GROUP BY u.stack_id) w
         JOIN assembly.stacks s ON s.id = w.stack_id
        ORDER BY s.id`,
      params,
    );
  }
}
