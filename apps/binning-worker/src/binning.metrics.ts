import { counter, gauge, histogram } from '@mes/service-core';

/** The line's figures the binning worker makes; labelled by product (tests without one: "none"). */
export function binningMetrics() {
  return {
    sheetsBinned: counter('mes_sheets_binned_total', 'Sheet tests binned, by product', ['product']),
    cellsBinned: counter('mes_cells_binned_total', 'Cells binned, by product and soft bin', ['product', 'soft_bin']),
    sheetYield: histogram(
      'mes_sheet_yield_ratio',
      'Yield of each sheet moved on after its test (pass / tested), by product',
      ['product'],
      [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 1],
    ),
    lastSheetYield: gauge('mes_last_sheet_yield_ratio', 'Yield of the last sheet moved on, by product', ['product']),
    dispositions: counter('mes_sheet_dispositions_total', 'Sheets after their test: tracked out, held, or waiting for a retest', [
      'product',
      'disposition',
    ]),
  };
}

export type BinningMetrics = ReturnType<typeof binningMetrics>;
export const productLabel = (productCode: string | null) => productCode ?? 'none';
