import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Actor } from '@mes/auth';
import { DEFAULT_TEST_POLICY, validateTestPolicy } from '@mes/binning';
import { DomainError } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { AuditService } from '../audit/audit.service';
import { type ProductTestPolicyEntity, TestPolicyRepository } from '@mes/test-data-store';
import type { ProductTestPolicyInput, ProductTestPolicyModel } from './test-policy.model';

/** Per-product sheet-test policies (retests, low-yield hold threshold), read by the binning worker. */
@Injectable()
export class TestPolicyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly policies: TestPolicyRepository,
    private readonly tracking: TrackingClient,
    private readonly audit: AuditService,
  ) {}

  async policy(productCode: string): Promise<ProductTestPolicyModel> {
    const row = await this.policies.ofProduct(productCode);
    if (row) return toModel(row);
    await this.knownProduct(productCode);
    return { productCode, ...DEFAULT_TEST_POLICY, isDefault: true, updatedBy: null, updatedAt: null };
  }

  async setPolicy(actor: Actor, input: ProductTestPolicyInput): Promise<ProductTestPolicyModel> {
    const issues = validateTestPolicy(input);
    if (issues.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid test policy for ${input.productCode}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    await this.knownProduct(input.productCode);
    return this.db.transaction(async (m) => {
      const before = await this.policies.lock(m, input.productCode);
      const after = await this.policies.save(m, {
        productCode: input.productCode,
        maxRetests: input.maxRetests,
        yieldHoldBelow: input.yieldHoldBelow,
        updatedBy: actor.username,
        updatedAt: new Date(),
      });
      const plain = (p: ProductTestPolicyEntity) => ({
        productCode: p.productCode,
        maxRetests: p.maxRetests,
        yieldHoldBelow: p.yieldHoldBelow,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'SET_TEST_POLICY',
        entityType: 'ProductTestPolicy',
        entityKey: input.productCode,
        before: before ? plain(before) : { ...DEFAULT_TEST_POLICY, default: true },
        after: plain(after),
      });
      return toModel(after);
    });
  }

  private async knownProduct(productCode: string): Promise<void> {
    if (!(await this.tracking.product(productCode))) {
      throw new DomainError('NOT_FOUND', `Unknown product ${productCode}: expected the code of a product in tracking`, [
        { path: 'productCode', message: 'expected a known product code' },
      ]);
    }
  }
}

function toModel(p: ProductTestPolicyEntity): ProductTestPolicyModel {
  return {
    productCode: p.productCode,
    maxRetests: p.maxRetests,
    yieldHoldBelow: p.yieldHoldBelow,
    isDefault: false,
    updatedBy: p.updatedBy,
    updatedAt: p.updatedAt,
  };
}
