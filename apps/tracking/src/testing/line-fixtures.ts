import type { GraphqlClient } from '@mes/testing';
import { DEMO_LINE } from '../seed/demo-line';

/** A small grid so tests cut many sheets quickly; the demo line's route and stations. */
export const SMALL_LAYOUT = {
  rows: 4,
  cols: 5,
  cellMdMm: 10,
  cellCdMm: 10,
  pitchMdMm: 11,
  pitchCdMm: 11,
  firstCellMdMm: 10,
  firstCellCdMm: 10,
  sheetLengthMdMm: 60,
};

export const ROUTE = DEMO_LINE.route;
export const stationOf = (operation: string): string => {
  const step = ROUTE.find((s) => s.operation === operation);
  if (!step) throw new Error(`no demo station performs ${operation}`);
  return step.station;
};

export interface RouteStepFixture {
  operation: string;
  level: string;
  vacuum?: boolean;
  maxQueueMinutes?: number | null;
  maxTemperatureC?: number | null;
}

/** The demo route without vacuum steps or queue-time limits (what most tests need). */
export const PLAIN_ROUTE: RouteStepFixture[] = ROUTE.map((s) => ({ operation: s.operation, level: s.level }));

/** The demo route as seeded: vacuum coaters, and queue-time limits before INTERLAYER and NEG_COLLECTOR. */
export const QUEUE_TIME_ROUTE: RouteStepFixture[] = ROUTE.map((s) => ({
  operation: s.operation,
  level: s.level,
  vacuum: 'vacuum' in s ? s.vacuum : false,
  maxQueueMinutes: 'maxQueueMinutes' in s ? s.maxQueueMinutes : null,
}));

export async function newProduct(
  client: GraphqlClient,
  code: string,
  layout = SMALL_LAYOUT,
  route: RouteStepFixture[] = PLAIN_ROUTE,
): Promise<void> {
  await client.ok('mutation($i: CreateProductInput!) { createProduct(input: $i) { code } }', {
    i: { code, name: `Test product ${code}`, layout, leaderMm: 100, trailerMm: 100, route },
  });
}

export async function newRoll(client: GraphqlClient, barcode: string, productCode: string, lengthM = 1): Promise<void> {
  await client.ok('mutation($i: RegisterRollInput!) { registerRoll(input: $i) { barcode } }', {
    i: { barcode, productCode, widthMm: 300, lengthM, substrateThicknessUm: 20, supplierLot: `LOT-${barcode}` },
  });
}

export const SCAN = `mutation Scan($i: ScanInput!) {
  scan(input: $i) { unitKind barcode status operation stepState stationCode repeated event { id action operation stationCode } }
}`;

export async function scan(
  client: GraphqlClient,
  barcode: string,
  operation: string,
  action: 'TRACK_IN' | 'TRACK_OUT',
  extra: Record<string, unknown> = {},
) {
  return client.ok(SCAN, { i: { barcode, stationCode: stationOf(operation), action, ...extra } });
}

/** Track a unit in and out of each operation, in order. */
export async function scanThrough(client: GraphqlClient, barcode: string, operations: string[]): Promise<void> {
  for (const op of operations) {
    await scan(client, barcode, op, 'TRACK_IN');
    await scan(client, barcode, op, 'TRACK_OUT');
  }
}

/** Register a roll and bring it to its cut step, cut it and track it out; returns the sheet barcodes. */
export async function rollCutIntoSheets(
  client: GraphqlClient,
  barcode: string,
  productCode: string,
  lengthM = 1,
  count?: number,
): Promise<string[]> {
  await newRoll(client, barcode, productCode, lengthM);
  await scanThrough(client, barcode, ['INCOMING_FOIL', 'WEB_CLEAN', 'LCO_DEPOSITION', 'LCO_ANNEAL']);
  await scan(client, barcode, 'CUT_TO_SHEETS', 'TRACK_IN');
  const cut = await client.ok<{ cutSheets: { sheets: { barcode: string }[] } }>(
    'mutation($i: CutSheetsInput!) { cutSheets(input: $i) { sheets { barcode } } }',
    { i: { rollBarcode: barcode, stationCode: stationOf('CUT_TO_SHEETS'), ...(count ? { count } : {}) } },
  );
  await scan(client, barcode, 'CUT_TO_SHEETS', 'TRACK_OUT');
  return cut.cutSheets.sheets.map((s) => s.barcode);
}
