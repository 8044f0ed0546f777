import { Injectable } from '@nestjs/common';
import { DomainError } from '@mes/service-core';
import { ProvenanceRepository } from '../provenance/provenance.repository';
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
    private readonly store: ProvenanceRepository,
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
    const runs = await this.store.parameterSegments(operation, parameter, rollBarcodes);
    const label = (v: unknown) =>
      typeof v === 'number' && binWidth
        ? `[${Math.floor(v / binWidth) * binWidth}, ${(Math.floor(v / binWidth) + 1) * binWidth})`
        : String(v);
    return this.yieldOf(
      runs.map((r) => ({ label: label(r.value), rollBarcode: r.roll_barcode, mdStartMm: r.md_start_mm, mdEndMm: r.md_end_mm })),
    );
  }

  async byExperiment(code: string): Promise<ConditionYieldModel[]> {
    const e = await this.store.experimentByCode(code);
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
