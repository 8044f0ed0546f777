import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '@mes/auth';
import { thicknessGridProblems } from '@mes/process';
import { DomainError } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { recordAudit } from '../audit/process-audit.repository';
import { refuseIfProblems } from '../common/problems';
import type { ProductSettingsEntity, ThicknessMapEntity } from '../database/process.entities';
import type { ThicknessMapInput } from './thickness.model';
import { ThicknessRepository } from './thickness.repository';

/** Layer thickness maps from metrology, and the product setting that turns LCO thickness into capacity. */
@Injectable()
export class ThicknessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: ThicknessRepository,
    private readonly tracking: TrackingClient,
  ) {}

  async post(actor: Actor, input: ThicknessMapInput): Promise<ThicknessMapEntity> {
    const roll = await this.tracking.trackedRoll(input.rollBarcode);
    if (!roll)
      throw new DomainError('UNKNOWN_BARCODE', `Unknown roll ${input.rollBarcode}`, [
        { path: 'input.rollBarcode', message: 'expected a roll barcode' },
      ]);
    const grid = { cdMm: input.cdMm, mdMm: input.mdMm, valuesUm: input.valuesUm };
    const problems = thicknessGridProblems(grid, 'input');
    // A map must lie on the roll it names: a CD beyond the web or an MD beyond the roll is a wrong roll or unit.
    if (problems.length === 0) {
      if (input.cdMm[0] < 0 || input.cdMm[input.cdMm.length - 1] > roll.widthMm)
        problems.push({ path: 'input.cdMm', message: `expected CD positions within the web, 0..${roll.widthMm} mm` });
      if (input.mdMm[0] < 0 || input.mdMm[input.mdMm.length - 1] > roll.lengthMm)
        problems.push({ path: 'input.mdMm', message: `expected MD positions within the roll, 0..${roll.lengthMm} mm` });
      if (input.measuredAt.getTime() > Date.now() + 5 * 60_000)
        problems.push({ path: 'input.measuredAt', message: 'expected a time that is not in the future' });
    }
    refuseIfProblems(`Thickness map for ${input.rollBarcode} refused`, problems);
    return this.db.transaction(async (m) => {
      const saved = await this.repository.insertMap(m, {
        ...grid,
        rollBarcode: roll.barcode,
        layer: input.layer,
        instrument: input.instrument,
        measuredAt: input.measuredAt,
        postedBy: actor.username,
      });
      await recordAudit(m, {
        actor: actor.username,
        action: 'THICKNESS_MAP_POSTED',
        entityType: 'ROLL',
        entityId: roll.barcode,
        details: { layer: input.layer, map: saved.id, points: input.valuesUm.length },
      });
      return saved;
    });
  }

  maps(rollBarcode: string): Promise<ThicknessMapEntity[]> {
    return this.repository.maps(rollBarcode);
  }

  async setLcoUtilization(actor: Actor, productCode: string, utilization: number): Promise<ProductSettingsEntity> {
    if (!Number.isFinite(utilization) || utilization <= 0 || utilization > 1) {
      throw new DomainError('VALIDATION_FAILED', `LCO utilization ${utilization} is out of range: expected a fraction in (0, 1]`, [
        { path: 'lcoUtilization', message: 'expected 0 < utilization <= 1' },
      ]);
    }
    if (!(await this.tracking.product(productCode)))
      throw new DomainError('NOT_FOUND', `Unknown product ${productCode}`, [
        { path: 'productCode', message: 'expected an existing product code' },
      ]);
    return this.db.transaction(async (m) => {
      const row = await this.repository.upsertSettings(m, {
        productCode,
        lcoUtilization: utilization,
        updatedBy: actor.username,
        updatedAt: new Date(),
      });
      await recordAudit(m, {
        actor: actor.username,
        action: 'LCO_UTILIZATION_SET',
        entityType: 'PRODUCT',
        entityId: productCode,
        details: { utilization },
      });
      return row;
    });
  }

  settings(productCode: string): Promise<ProductSettingsEntity | null> {
    return this.repository.settings(productCode);
  }
}
