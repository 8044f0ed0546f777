/**
 * The demo line seeded on an empty database: the operations of docs/domain.md up to
 * singulation, one station per operation (two rigs at SHEET_TEST), and the stations of the stack
 * route the assembly service runs after singulation (STACKING, FORMATION, STACK_TEST), and a
 * 50 x 50 product of 5 mm cells (0.25 cm2) on 300 mm sheets. The four coaters are vacuum steps;
 * two of them limit the time in air since the previous one.
 */
export const DEMO_LINE = {
  site: { code: 'PILOT', name: 'Pilot plant' },
  line: { code: 'R2R-1', name: 'Roll-to-roll microbattery line 1' },
  route: [
    { operation: 'INCOMING_FOIL', level: 'ROLL', station: 'INC-1', name: 'Incoming SS foil inspection' },
    { operation: 'WEB_CLEAN', level: 'ROLL', station: 'CLN-1', name: 'Web plasma clean' },
    { operation: 'LCO_DEPOSITION', level: 'ROLL', station: 'LCO-1', name: 'LCO sputter coater', vacuum: true },
    { operation: 'LCO_ANNEAL', level: 'ROLL', station: 'ANL-1', name: 'LCO anneal furnace' },
    { operation: 'CUT_TO_SHEETS', level: 'ROLL', station: 'CUT-1', name: 'Sheet cutter' },
    { operation: 'LIPON_DEPOSITION', level: 'SHEET', station: 'LPN-1', name: 'LiPON RF sputter', vacuum: true },
    // Queue-time limits are engineering choices [EST], not seed data:
    // - 120 min from LiPON to the interlayer: seed 004 sees Li2CO3 on a Li-bearing surface in air
    //   after 1 h and full coverage by 24 h; sheets wait in the humidity-controlled cleanroom, where
    //   it grows slower, and 2 h covers unloading, transfer and pump-down of the interlayer coater
    //   while staying near the onset of carbonate rather than anywhere close to coverage.
    { operation: 'INTERLAYER', level: 'SHEET', station: 'INT-1', name: 'Interlayer coater', vacuum: true, maxQueueMinutes: 120 },
    // - 60 min from the interlayer to the collector: the interlayer is ~10 nm (seed 000), with no
    //   margin for an oxidised or contaminated surface, and a vacuum break between the two layers
    //   contaminates their interface (seed 001); ideally both run in one vacuum, 60 min is one transfer.
    { operation: 'NEG_COLLECTOR', level: 'SHEET', station: 'NCC-1', name: 'Negative collector coater', vacuum: true, maxQueueMinutes: 60 },
    { operation: 'PATTERNING', level: 'SHEET', station: 'PAT-1', name: 'Dry patterning' },
    { operation: 'INSPECTION', level: 'SHEET', station: 'AOI-1', name: 'Optical inspection' },
    { operation: 'SHEET_TEST', level: 'SHEET', station: 'TST-1', name: 'Sheet test rig 1' },
    { operation: 'SINGULATION', level: 'SHEET', station: 'SNG-1', name: 'Singulation and pick' },
  ],
  extraStations: [
    { code: 'TST-2', name: 'Sheet test rig 2', operation: 'SHEET_TEST' },
    // Stacks are not sheets: their route (stacking, formation, final test) is kept by the assembly service.
    { code: 'STACK-1', name: 'Stacker', operation: 'STACKING' },
    { code: 'FRM-1', name: 'Formation cycler', operation: 'FORMATION' },
    { code: 'STT-1', name: 'Stack final test', operation: 'STACK_TEST' },
  ],
  equipment: [
    { code: 'SPT-LCO-1', name: 'LCO DC/RF sputter cathode', kind: 'SPUTTER', station: 'LCO-1' },
    { code: 'FRN-1', name: 'Anneal furnace', kind: 'FURNACE', station: 'ANL-1' },
    { code: 'SPT-LPN-1', name: 'LiPON RF sputter cathode', kind: 'SPUTTER', station: 'LPN-1' },
    { code: 'TE-1', name: 'Thermal evaporator with QCM', kind: 'EVAPORATOR', station: 'INT-1' },
    { code: 'RIG-1', name: '64-site EIS rig', kind: 'TEST_RIG', station: 'TST-1' },
    { code: 'RIG-2', name: '64-site EIS rig', kind: 'TEST_RIG', station: 'TST-2' },
  ],
  product: {
    code: 'TFB-0505',
    name: 'Anodeless LCO/LiPON cell, 5 x 5 mm',
    layout: {
      rows: 50,
      cols: 50,
      cellMdMm: 5,
      cellCdMm: 5,
      pitchMdMm: 5.5,
      pitchCdMm: 5.5,
      firstCellMdMm: 15.25,
      firstCellCdMm: 15.25,
      sheetLengthMdMm: 300,
    },
    leaderMm: 1000,
    trailerMm: 1000,
  },
  /** The layout recipe PAT-1 writes: the product's grid, released and allowed for it at first start. */
  patternLayout: {
    name: 'PAT-5050-5MM',
    description: '50 x 50 cells of 5 mm at 5.5 mm pitch, laser-isolated (seed 002); kerf and tolerances [EST]',
    rows: 50,
    cols: 50,
    cellMdMm: 5,
    cellCdMm: 5,
    pitchMdMm: 5.5,
    pitchCdMm: 5.5,
    firstCellMdMm: 15.25,
    firstCellCdMm: 15.25,
    kerfMm: 0.03,
    fiducials: [
      { mdMm: 5, cdMm: 5 },
      { mdMm: 295, cdMm: 5 },
      { mdMm: 295, cdMm: 295 },
    ],
    maxOffsetMm: 0.05,
    maxRotationDeg: 0.02,
  },
  /** R0001 is cut into 20 sheets that wait at SHEET_TEST; R0002 waits for LCO deposition. */
  rolls: [
    { barcode: 'R0001', widthMm: 300, lengthM: 8, substrateThicknessUm: 20, supplierLot: 'SS304-L2611-07', advanceTo: 'SHEET_TEST' },
    { barcode: 'R0002', widthMm: 300, lengthM: 8, substrateThicknessUm: 20, supplierLot: 'SS304-L2611-08', advanceTo: 'LCO_DEPOSITION' },
  ],
} as const;
