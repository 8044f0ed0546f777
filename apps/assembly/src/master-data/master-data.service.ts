import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { layerCount, STACK_ROUTE, stackRouteProblems, type StackRouteStep } from '@mes/assembly';
import type { Actor } from '@mes/auth';
import { DomainError } from '@mes/service-core';
import { recordAudit } from '../audit/assembly-audit.repository';
import { LineData } from '../clients/line-data';
import type { StackProductEntity } from '../database/assembly.entities';
import { AssemblyMasterDataRepository } from './master-data.repository';
import type { CreateStackProductInput, CreateWorkOrderInput, StackProductModel, WorkOrderModel } from './master-data.model';

export function toStackProduct(p: StackProductEntity): StackProductModel {
  return { ...p, layers: layerCount(p.targetCapacityMah, p.nominalCellCapacityMah) };
}

/** Stack products and work orders. */
@Injectable()
export class AssemblyMasterDataService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly line: LineData,
    private readonly repo: AssemblyMasterDataRepository,
  ) {}

  /**
   * A new stack product. Its cell product and route are checked against tracking's products and
   * stations; the demo seeder (`checkLine: false`) skips that, since it runs before tracking may
   * answer and seeds only what the demo line has.
   */
  async createStackProduct(actor: Actor, input: CreateStackProductInput, { checkLine = true } = {}): Promise<StackProductModel> {
    const n = layerCount(input.targetCapacityMah, input.nominalCellCapacityMah);
    if (n > input.maxLayers) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Stack product ${input.code} needs ${n} layers of ${input.nominalCellCapacityMah} mAh for ${input.targetCapacityMah} mAh, more than its ${input.maxLayers} allowed layers`,
        [{ path: 'input.maxLayers', message: `expected at least ${n} (or a smaller target)` }],
      );
    }
    if (input.ocvMinV >= input.ocvMaxV) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `OCV limits of ${input.code}: ocvMinV ${input.ocvMinV} V must be below ocvMaxV ${input.ocvMaxV} V`,
        [{ path: 'input.ocvMinV', message: 'expected ocvMinV < ocvMaxV' }],
      );
    }
    if (new Set(input.allowedGrades).size !== input.allowedGrades.length) {
      throw new DomainError('VALIDATION_FAILED', `allowedGrades of ${input.code} lists a grade twice`, [
        { path: 'input.allowedGrades', message: 'expected distinct grades' },
      ]);
    }
    const route: StackRouteStep[] = input.route
      ? input.route.map((s) => ({ operation: s.operation, maxTemperatureC: s.maxTemperatureC ?? null }))
      : STACK_ROUTE.map((s) => ({ ...s }));
    if (checkLine) {
      const [products, operations] = await Promise.all([this.line.productCodes(), this.line.stationOperations()]);
      const problems = stackRouteProblems(route, operations, 'input.route');
      if (!products.has(input.cellProductCode))
        problems.unshift({ path: 'input.cellProductCode', message: `expected the code of a cell product (${[...products].join(', ')})` });
      if (problems.length)
        throw new DomainError(
          'VALIDATION_FAILED',
          `Stack product ${input.code} refused: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}; nothing was stored`,
          problems,
        );
    }
    return this.db.transaction(async (m) => {
      if (await this.repo.productByCode(input.code, m)) throw new DomainError('CONFLICT', `Stack product ${input.code} already exists`);
      const p = await this.repo.insertProduct(m, {
        ...input,
        route,
        maxMdSpanMm: input.maxMdSpanMm ?? null,
        allowedGrades: [...input.allowedGrades].sort((a, b) => a - b),
        createdBy: actor.username,
      });
      await recordAudit(m, {
        actor: actor.username,
        action: 'CREATE_STACK_PRODUCT',
        entityType: 'StackProduct',
        entityId: p.code,
        details: { ...input, route },
      });
      return toStackProduct(p);
    });
  }

  async stackProducts(): Promise<StackProductModel[]> {
    return (await this.repo.products()).map(toStackProduct);
  }

  async stackProduct(code: string, m: EntityManager = this.db.manager): Promise<StackProductEntity> {
    const p = await this.repo.productByCode(code, m);
    if (!p)
      throw new DomainError('NOT_FOUND', `Unknown stack product ${code}: expected the code of a stack product (see stackProducts)`, [
        { path: 'productCode', message: 'expected an existing stack product' },
      ]);
    return p;
  }

  async createWorkOrder(actor: Actor, input: CreateWorkOrderInput): Promise<WorkOrderModel> {
    return this.db.transaction(async (m) => {
      const p = await this.stackProduct(input.stackProductCode, m);
      if (await this.repo.workOrderByCode(input.code, m)) throw new DomainError('CONFLICT', `Work order ${input.code} already exists`);
      const wo = await this.repo.insertWorkOrder(m, {
        code: input.code,
        stackProductId: p.id,
        quantity: input.quantity,
        status: 'OPEN',
        createdBy: actor.username,
      });
      await recordAudit(m, {
        actor: actor.username,
        action: 'CREATE_WORK_ORDER',
        entityType: 'WorkOrder',
        entityId: wo.code,
        details: { ...input },
      });
      return {
        code: wo.code,
        stackProductCode: p.code,
        quantity: wo.quantity,
        stacksStarted: 0,
        stacksBuilt: 0,
        stacksTested: 0,
        stacksPassed: 0,
        stacksScrapped: 0,
        stackYield: null,
        status: wo.status,
      };
    });
  }

  /** Work orders, open ones first, with how many stacks each has started. */
  async workOrders(
    filter: { openOnly?: boolean; cellProductCode?: string } = {},
    m: EntityManager = this.db.manager,
  ): Promise<(WorkOrderModel & { product: StackProductEntity })[]> {
    const rows = await this.repo.workOrderCounts(filter, m);
    const products = new Map((await this.repo.products(m)).map((p) => [p.id, p]));
    return rows.map((r) => {
      const product = products.get(String(r.stack_product_id)) as StackProductEntity;
      return {
        code: r.code,
        stackProductCode: product.code,
        quantity: r.quantity,
        stacksStarted: Number(r.started),
        stacksBuilt: Number(r.built),
        stacksTested: Number(r.tested),
        stacksPassed: Number(r.passed),
        stacksScrapped: Number(r.scrapped),
        stackYield: Number(r.tested) ? Number(r.passed) / Number(r.tested) : null,
        status: r.status,
        product,
      };
    });
  }
}
