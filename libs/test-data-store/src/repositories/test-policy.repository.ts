import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ProductTestPolicyEntity } from '../product-test-policy.entity';

/** Products' stored sheet-test policies (a product without a row follows the default policy). */
@Injectable()
export class TestPolicyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  ofProduct(productCode: string): Promise<ProductTestPolicyEntity | null> {
    return this.db.getRepository(ProductTestPolicyEntity).findOne({ where: { productCode } });
  }

  /** The product's row under a write lock (null where it has none yet), for its change. */
  lock(m: EntityManager, productCode: string): Promise<ProductTestPolicyEntity | null> {
    return m.getRepository(ProductTestPolicyEntity).findOne({ where: { productCode }, lock: { mode: 'pessimistic_write' } });
  }

  /** Creates or replaces the product's policy. */
  save(m: EntityManager, policy: ProductTestPolicyEntity): Promise<ProductTestPolicyEntity> {
    return m.save(m.create(ProductTestPolicyEntity, policy));
  }
}
