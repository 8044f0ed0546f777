import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ProductSettingsEntity, ThicknessMapEntity } from '../database/process.entities';

/** Rolls' layer thickness maps and products' settings (LCO utilisation). Writes take the service's transaction. */
@Injectable()
export class ThicknessRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  insertMap(m: EntityManager, map: Omit<ThicknessMapEntity, 'id' | 'createdAt'>): Promise<ThicknessMapEntity> {
    return m.save(m.create(ThicknessMapEntity, map));
  }

  /** A roll's maps by layer, newest measurement first within a layer. */
  maps(rollBarcode: string): Promise<ThicknessMapEntity[]> {
    return this.db.getRepository(ThicknessMapEntity).find({ where: { rollBarcode }, order: { layer: 'ASC', measuredAt: 'DESC' } });
  }

  /** Creates or replaces the product's settings row; the row as stored comes back. */
  async upsertSettings(m: EntityManager, settings: ProductSettingsEntity): Promise<ProductSettingsEntity> {
    const row = m.create(ProductSettingsEntity, settings);
    await m.upsert(ProductSettingsEntity, row, ['productCode']);
    return row;
  }

  settings(productCode: string): Promise<ProductSettingsEntity | null> {
    return this.db.getRepository(ProductSettingsEntity).findOne({ where: { productCode } });
  }
}
