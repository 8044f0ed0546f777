import { defaultAsMadeRuleSet } from '@mes/binning';

/**
 * A product's rule set version 1: the library's default as-made rule set for its cell area, RELEASED,
 * unless the product already has a version 1. The worker writes it at a product's first test, the
 * API when an engineer first reads or derives a product's rule sets; whichever comes first wins.
 * Returns a query for `pg` (`pool.query(q.text, q.values)`) or TypeORM (`manager.query(q.text, q.values)`).
 */
export function insertFirstRuleSetQuery(productCode: string, cellAreaCm2: number, actor: string): { text: string; values: unknown[] } {
  const first = defaultAsMadeRuleSet(cellAreaCm2, 1);
  return {
    text: `INSERT INTO test_data.rule_sets (product_code, version, name, status, rule_set, created_by, created_at, released_by, released_at)
           VALUES ($1, 1, $2, 'RELEASED', $3, $4, now(), $4, now()) ON CONFLICT DO NOTHING`,
    values: [productCode, first.name, JSON.stringify(first), actor],
  };
}
