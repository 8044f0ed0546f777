import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '@mes/service-core';
import { ExperimentEntity } from '../database/process.entities';
import type { ConditionYieldModel } from './yield.model';
import { TestDataClient, type RegionInput } from './test-data.client';
import { withSignificance } from './yield-significance';

/**
 * Yield by process condition: the process service knows which roll regions ran under which value,
 * test-data knows the cells' results there; regions go to test-data labelled by condition.
 */
@Injectable()
export class YieldService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly testData: TestDataClient,
  ) {}

  async byParameter(
    operation: string,
    parameter: string,
    binWidth: number | null,
    rollBarcodes: string[] | null,
  ): Promise<ConditionYieldModel[]> {
    if (binWidth !== null && !(binWidth > 0))
      throw new DomainError('VALIDATION_FAILED', `binWidth ${binWidth}: expected a positive width`, [
        { path: 'binWidth', message: 'expected > 0' },
      ]);
    const runs = await this.db.query<{ roll_barcode: string; md_start_mm: number; md_end_mm: number; value: unknown }[]>(
      `SELECT roll_barcode, md_start_mm, md_end_mm, actuals -> $2 AS value FROM process.process_runs
        WHERE operation = $1 AND state = 'COMPLETED' AND actuals ? $2 AND ($3::varchar[] IS NULL OR roll_barcode = ANY($3))`,
      [operation, parameter, rollBarcodes],
    );
    const label = (v: unknown) =>
      typeof v === 'number' && binWidth
        ? `[${Math.floor(v / binWidth) * binWidth}, ${(Math.floor(v / binWidth) + 1) * binWidth})`
        : String(v);
    return this.yieldOf(
      runs.map((r) => ({ label: label(r.value), rollBarcode: r.roll_barcode, mdStartMm: r.md_start_mm, mdEndMm: r.md_end_mm })),
    );
  }

  async byExperiment(code: string): Promise<ConditionYieldModel[]> {
    const e = await this.db.getRepository(ExperimentEntity).findOne({ where: { code } });
    if (!e) throw new DomainError('NOT_FOUND', `Unknown experiment ${code}`);
    return this.yieldOf(
      e.arms.map((a) => ({ label: a.condition, rollBarcode: e.rollBarcode, mdStartMm: a.mdStartMm, mdEndMm: a.mdEndMm })),
    );
  }

  private async yieldOf(regions: RegionInput[]): Promise<ConditionYieldModel[]> {
    const answers = await this.testData.regionYield(regions);
    return withSignificance(
      answers
        .map((a) => ({
          condition: a.label,
          runs: regions.filter((r) => r.label === a.label).length,
          cellsTested: a.cellsTested,
          cellsPassed: a.cellsPassed,
          firstPassYield: a.firstPassYield,
          finalYield: a.finalYield,
        }))
        .sort((a, b) => a.condition.localeCompare(b.condition)),
    );
  }
}
