import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { correlation, CyclerCsvError, cyclingStats, parseCyclerCsv, type CycleRow } from '@mes/assembly';
import type { Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { recordAudit } from '../audit/assembly-audit.repository';
import { AssemblyMasterDataService } from '../master-data/master-data.service';
import { StackRepository } from '../stacking/stack.repository';
import { CyclingRepository } from './cycling.repository';
import type { CyclingCorrelationModel, CyclingStatsModel, ImportCyclerResultsInput } from './cycling.model';

/** Cycler results of sample stacks and what they say about the layers' sheet-test features. */
@Injectable()
export class CyclingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly masterData: AssemblyMasterDataService,
    private readonly cycling: CyclingRepository,
    private readonly stacks: StackRepository,
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
      const stack = await this.stacks.lock(m, input.stackBarcode);
      if (!stack)
        throw new DomainError('NOT_FOUND', `Unknown stack ${input.stackBarcode}: nothing was stored`, [
          { path: 'input.stackBarcode', message: 'expected a stack barcode' },
        ]);
      if (stack.status === 'BUILDING')
        throw new DomainError('CONFLICT', `Stack ${stack.barcode} is still being built: only built stacks are cycled`);
      const r = parsed.rows;
      await this.cycling.replaceCycles(m, stack.id, r);
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
    const barcodes = await this.cycling.cycledStacks(product.id);
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
    const cycles = await this.cycling.cycles(barcodes);
    const layers = await this.cycling.layerMeans(barcodes);
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
