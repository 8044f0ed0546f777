import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { correlation, CyclerCsvError, cyclingStats, parseCyclerCsv, type CycleRow } from '@mes/assembly';
import type { Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { recordAudit } from '../audit/assembly-audit.repository';
import { CycleResultEntity, StackEntity } from '../database/assembly.entities';
import { AssemblyMasterDataService } from '../master-data/master-data.service';
import type { CyclingCorrelationModel, CyclingStatsModel, ImportCyclerResultsInput } from './cycling.model';

/** Cycler results of sample stacks and what they say about the layers' sheet-test features. */
@Injectable()
export class CyclingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly masterData: AssemblyMasterDataService,
  ) {}

  /** A whole export replaces the stack's cycles (the cycler's file grows as the test runs); a bad file stores nothing. */
  async import(actor: Actor, input: ImportCyclerResultsInput): Promise<CyclingStatsModel> {
    let parsed: { layout: 'GENERIC' | 'ARBIN'; rows: CycleRow[] };
    try {
      parsed = parseCyclerCsv(input.csv);
    } catch (e) {
      if (e instanceof CyclerCsvError)
        throw new DomainError(
          'VALIDATION_FAILED',
          `Cycler file for ${input.stackBarcode}: ${e.message}; nothing was stored`,
          e.problems.slice(0, 100).map((p) => ({ path: `csv line ${p.line}`, message: p.message })),
        );
      throw e;
    }
    await this.db.transaction(async (m) => {
      const stack = await m.findOne(StackEntity, { where: { barcode: input.stackBarcode }, lock: { mode: 'pessimistic_write' } });
      if (!stack)
        throw new DomainError('NOT_FOUND', `Unknown stack ${input.stackBarcode}: nothing was stored`, [
          { path: 'input.stackBarcode', message: 'expected a stack barcode' },
        ]);
      if (stack.status === 'BUILDING')
        throw new DomainError('CONFLICT', `Stack ${stack.barcode} is still being built: only built stacks are cycled`);
      await m.delete(CycleResultEntity, { stackId: stack.id });
      const r = parsed.rows;
      await m.query(
        `INSERT INTO assembly.cycle_results (stack_id, cycle, charge_mah, discharge_mah, ce_pct, discharge_energy_mwh, end_voltage_v)
         SELECT $1, * FROM unnest($2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])`,
        [
          stack.id,
          r.map((x) => x.cycle),
          r.map((x) => x.chargeMah),
          r.map((x) => x.dischargeMah),
          r.map((x) => x.coulombicEfficiencyPct),
          r.map((x) => x.dischargeEnergyMwh),
          r.map((x) => x.endVoltageV),
        ],
      );
      await recordAudit(m, {
        actor: actor.username,
        action: 'IMPORT_CYCLER_RESULTS',
        entityType: 'Stack',
        entityId: stack.barcode,
        details: { layout: parsed.layout, cycles: r.length },
      });
    });
    return (await this.stats([input.stackBarcode], parsed.layout))[0];
  }

  async correlation(productCode: string): Promise<CyclingCorrelationModel> {
    const product = await this.masterData.stackProduct(productCode);
    const barcodes = (
      await this.db.query<{ barcode: string }[]>(
        `SELECT DISTINCT s.barcode FROM assembly.stacks s JOIN assembly.cycle_results r ON r.stack_id = s.id WHERE s.stack_product_id = $1 ORDER BY s.barcode`,
        [product.id],
      )
    ).map((r) => r.barcode);
    const stacks = await this.stats(barcodes, 'STORED');
    const withAsr = stacks.filter((s) => s.meanLayerAsrOhmCm2 !== null);
    return {
      productCode: product.code,
      stacks,
      retentionVsAsr: correlation(
        withAsr.map((s) => s.meanLayerAsrOhmCm2 as number),
        withAsr.map((s) => s.retention),
      ),
      retentionVsMd: correlation(
        stacks.map((s) => s.meanLayerMdMm),
        stacks.map((s) => s.retention),
      ),
    };
  }

  async stats(barcodes: string[], layout: string): Promise<CyclingStatsModel[]> {
    if (!barcodes.length) return [];
    const cycles = await this.db.query<{ barcode: string; cycle: number; charge_mah: number; discharge_mah: number; ce_pct: number }[]>(
      `SELECT s.barcode, r.cycle, r.charge_mah, r.discharge_mah, r.ce_pct FROM assembly.cycle_results r JOIN assembly.stacks s ON s.id = r.stack_id
        WHERE s.barcode = ANY($1) ORDER BY s.barcode, r.cycle`,
      [barcodes],
    );
    const layers = await this.db.query<{ barcode: string; asr: number | null; md: number; rolls: string }[]>(
      `SELECT s.barcode, avg(c.asr_ohm_cm2) AS asr, avg(c.md_mm) AS md, string_agg(DISTINCT c.roll_barcode, ',') AS rolls
         FROM assembly.stacks s JOIN assembly.stack_layers l ON l.stack_id = s.id JOIN assembly.singulated_cells c ON c.id = l.cell_id
        WHERE s.barcode = ANY($1) GROUP BY s.barcode`,
      [barcodes],
    );
    const layerOf = new Map(layers.map((l) => [l.barcode, l]));
    return barcodes.flatMap((b) => {
      const rows = cycles
        .filter((c) => c.barcode === b)
        .map((c) => ({
          cycle: c.cycle,
          chargeMah: c.charge_mah,
          dischargeMah: c.discharge_mah,
          coulombicEfficiencyPct: c.ce_pct,
          dischargeEnergyMwh: null,
          endVoltageV: null,
        }));
      if (!rows.length) return [];
      const l = layerOf.get(b);
      return [
        {
          stackBarcode: b,
          layout,
          ...cyclingStats(rows),
          meanLayerAsrOhmCm2: l?.asr === null || l?.asr === undefined ? null : Number(l.asr),
          meanLayerMdMm: Number(l?.md ?? 0),
          rollBarcodes: l?.rolls ?? '',
        },
      ];
    });
  }
}
