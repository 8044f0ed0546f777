import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { RebinRequestEntity, RuleSetEntity } from '../rule-set.entities';
import { insertFirstRuleSetQuery } from '../rule-set.queries';

/**
 * The rule set versions of each product and the rebin requests. Writes take the service's
 * transaction, so a change and its audit record commit together.
 */
@Injectable()
export class RuleSetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Version 1, the default as-made rule set, unless the product has one (the worker may have made it). */
  async ensureFirstVersion(m: EntityManager, productCode: string, cellAreaCm2: number): Promise<void> {
    const first = insertFirstRuleSetQuery(productCode, cellAreaCm2, 'test-data');
    await m.query(first.text, first.values);
  }

  /** New versions of one product's rule set are made one at a time. */
  async lockProduct(m: EntityManager, productCode: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('test_data.rule_sets'), hashtext($1))`, [productCode]);
  }

  /** The number the product's next version takes. */
  async nextVersion(m: EntityManager, productCode: string): Promise<number> {
    const [row] = await m.query<{ v: number | null }[]>(`SELECT max(version) AS v FROM test_data.rule_sets WHERE product_code = $1`, [
      productCode,
    ]);
    return Number(row.v) + 1;
  }

  insert(m: EntityManager, version: RuleSetEntity): Promise<RuleSetEntity> {
    return m.save(m.create(RuleSetEntity, version));
  }

  /** One version under a write lock, for its release. */
  lockVersion(m: EntityManager, productCode: string, version: number): Promise<RuleSetEntity | null> {
    return m.getRepository(RuleSetEntity).findOne({ where: { productCode, version }, lock: { mode: 'pessimistic_write' } });
  }

  /** Stores a changed version (the same object comes back). */
  save(m: EntityManager, version: RuleSetEntity): Promise<RuleSetEntity> {
    return m.save(version);
  }

  /** Every version of the product's rule set, oldest first. */
  versions(productCode: string): Promise<RuleSetEntity[]> {
    return this.db.getRepository(RuleSetEntity).find({ where: { productCode }, order: { version: 'ASC' } });
  }

  /** How many binned (DONE) tests a rebin scope takes in. */
  async binnedTestsInScope(scope: RebinRequestEntity['scope']): Promise<number> {
    const [row] = await this.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM test_data.sheet_tests WHERE status = 'DONE'
         AND (($1::text IS NOT NULL AND sheet_barcode = $1) OR ($2::text IS NOT NULL AND roll_barcode = $2)
              OR ($3::timestamptz IS NOT NULL AND received_at >= $3 AND received_at < $4::timestamptz))`,
      [scope.sheet ?? null, scope.roll ?? null, scope.receivedFrom ?? null, scope.receivedTo ?? null],
    );
    return Number(row.n);
  }

  insertRebinRequest(m: EntityManager, request: RebinRequestEntity): Promise<RebinRequestEntity> {
    return m.save(m.create(RebinRequestEntity, request));
  }

  /** A rebin request by its id (any text: what is not an id is no request). */
  rebinRequest(id: string): Promise<RebinRequestEntity | null> {
    return /^[0-9a-f-]{36}$/i.test(id) ? this.db.getRepository(RebinRequestEntity).findOne({ where: { id } }) : Promise.resolve(null);
  }
}
