import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CycleRow } from '@mes/assembly';
import { CycleResultEntity } from '../database/assembly.entities';

/** Cycler results of stacks, and the layer features they are compared with. */
@Injectable()
export class CyclingRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A stack's cycles replaced by those of a whole export, in the caller's transaction. */
  async replaceCycles(m: EntityManager, stackId: string, rows: CycleRow[]): Promise<void> {
    await m.delete(CycleResultEntity, { stackId });
    await m.query(
      `INSERT INTO assembly.cycle_results (stack_id, cycle, charge_mah, discharge_mah, ce_pct, discharge_energy_mwh, end_voltage_v)
       SELECT $1, * FROM unnest($2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])`,
      [
        stackId,
        rows.map((x) => x.cycle),
        rows.map((x) => x.chargeMah),
        rows.map((x) => x.dischargeMah),
        rows.map((x) => x.coulombicEfficiencyPct),
        rows.map((x) => x.dischargeEnergyMwh),
        rows.map((x) => x.endVoltageV),
      ],
    );
  }

  /** The barcodes of a stack product's stacks that have cycler results, in order. */
  async cycledStacks(stackProductId: string): Promise<string[]> {
    const rows = await this.db.query<{ barcode: string }[]>(
      `SELECT DISTINCT s.barcode FROM assembly.stacks s JOIN assembly.cycle_results r ON r.stack_id = s.id WHERE s.stack_product_id = $1 ORDER BY s.barcode`,
      [stackProductId],
    );
    return rows.map((r) => r.barcode);
  }

  /** The stored cycles of the given stacks, by stack and cycle. */
  cycles(barcodes: string[]): Promise<{ barcode: string; cycle: number; charge_mah: number; discharge_mah: number; ce_pct: number }[]> {
    return this.db.query(
      `SELECT s.barcode, r.cycle, r.charge_mah, r.discharge_mah, r.ce_pct FROM assembly.cycle_results r JOIN assembly.stacks s ON s.id = r.stack_id
        WHERE s.barcode = ANY($1) ORDER BY s.barcode, r.cycle`,
      [barcodes],
    );
  }

  /** Per stack: its layers' mean ASR and MD position, and the rolls they came from (comma-separated). */
  layerMeans(barcodes: string[]): Promise<{ barcode: string; asr: number | null; md: number; rolls: string }[]> {
    return this.db.query(
      `SELECT s.barcode, avg(c.asr_ohm_cm2) AS asr, avg(c.md_mm) AS md, string_agg(DISTINCT c.roll_barcode, ',') AS rolls
         FROM assembly.stacks s JOIN assembly.stack_layers l ON l.stack_id = s.id JOIN assembly.singulated_cells c ON c.id = l.cell_id
        WHERE s.barcode = ANY($1) GROUP BY s.barcode`,
      [barcodes],
    );
  }
}
