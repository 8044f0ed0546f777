import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, DeepPartial, EntityManager } from 'typeorm';
import { StackProductEntity, WorkOrderEntity } from '../database/assembly.entities';

/** A work order's row with how many of its stacks are started, built, tested, passed and scrapped (counts as text). */
export interface WorkOrderCountsRow {
  id: string;
  code: string;
  quantity: number;
  status: string;
  stack_product_id: string;
  started: string;
  built: string;
  tested: string;
  passed: string;
  scrapped: string;
}

/** Stack products and work orders. */
@Injectable()
export class AssemblyMasterDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  productByCode(code: string, m: EntityManager = this.db.manager): Promise<StackProductEntity | null> {
    return m.findOne(StackProductEntity, { where: { code } });
  }

  productById(id: string, m: EntityManager = this.db.manager): Promise<StackProductEntity | null> {
    return m.findOne(StackProductEntity, { where: { id } });
  }

  /** Every stack product, by code. */
  products(m: EntityManager = this.db.manager): Promise<StackProductEntity[]> {
    return m.find(StackProductEntity, { order: { code: 'ASC' } });
  }

  productCount(): Promise<number> {
    return this.db.getRepository(StackProductEntity).count();
  }

  insertProduct(m: EntityManager, row: DeepPartial<StackProductEntity>): Promise<StackProductEntity> {
    return m.save(m.create(StackProductEntity, row));
  }

  workOrderByCode(code: string, m: EntityManager = this.db.manager): Promise<WorkOrderEntity | null> {
    return m.findOne(WorkOrderEntity, { where: { code } });
  }

  workOrderById(id: string): Promise<WorkOrderEntity | null> {
    return this.db.getRepository(WorkOrderEntity).findOne({ where: { id } });
  }

  /** The row under a write lock: stacks started against one work order take turns with its quantity. */
  lockWorkOrder(m: EntityManager, code: string): Promise<WorkOrderEntity | null> {
    return m.findOne(WorkOrderEntity, { where: { code }, lock: { mode: 'pessimistic_write' } });
  }

  insertWorkOrder(m: EntityManager, row: DeepPartial<WorkOrderEntity>): Promise<WorkOrderEntity> {
    return m.save(m.create(WorkOrderEntity, row));
  }

  /** Work orders with their stack counts, open ones first; optionally only open ones, or only those of one cell product. */
  workOrderCounts(
    filter: { openOnly?: boolean; cellProductCode?: string },
    m: EntityManager = this.db.manager,
  ): Promise<WorkOrderCountsRow[]> {
    return m.query<WorkOrderCountsRow[]>(
      `SELECT w.id, w.code, w.quantity, w.status, w.stack_product_id, k.started, k.built, k.tested, k.passed, k.scrapped
         FROM assembly.work_orders w JOIN assembly.stack_products p ON p.id = w.stack_product_id
         CROSS JOIN LATERAL (
           SELECT count(*) AS started,
                  count(*) FILTER (WHERE s.status <> 'BUILDING') AS built,
                  count(*) FILTER (WHERE s.status = 'TESTED' OR (s.status = 'SCRAPPED' AND s.bin IS NOT NULL)) AS tested,
                  count(*) FILTER (WHERE s.status = 'TESTED' AND s.bin = 'PASS') AS passed,
                  count(*) FILTER (WHERE s.status = 'SCRAPPED') AS scrapped
             FROM assembly.stacks s WHERE s.work_order_id = w.id) k
        WHERE ($1::boolean IS NOT TRUE OR w.status = 'OPEN') AND ($2::text IS NULL OR p.cell_product_code = $2)
        ORDER BY w.status DESC, w.id`,
      [filter.openOnly ?? false, filter.cellProductCode ?? null],
    );
  }
}
