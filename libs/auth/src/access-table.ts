import { ANY_ROLE, ENGINEERING, Role } from './role';

/**
 * Who may call what, in one place: the authorization system test (tests/system/authorization)
 * checks every Query and Mutation field of the composed graph and every REST route of every app
 * against this table, and docs/roles.md is rendered from it (`renderRoleTables`; a unit test fails
 * when the doc and this table differ). The guards in the resolvers and controllers enforce it.
 *
 * - PUBLIC: no credentials at all.
 * - ANY: any signed-in user (Bearer token of ADMIN, ENGINEER or OPERATOR).
 * - ENGINEERING: ENGINEER or ADMIN.  ADMIN: ADMIN only.
 * - RIG_KEY: a registered rig's X-Api-Key (registerRig); EQUIPMENT_KEY: the key issueEquipmentKey gave.
 */
export type Access = 'PUBLIC' | 'ANY' | 'ENGINEERING' | 'ADMIN' | 'RIG_KEY' | 'EQUIPMENT_KEY';

export type Owner = 'tracking' | 'test-data' | 'process' | 'assembly' | 'gateway';

export interface AccessRule {
  who: Access;
  owner: Owner;
  /** A qualification the table cannot say on its own (a throttle, whose rig, ...). */
  note?: string;
}

/** The users' roles an access lets in (none for PUBLIC: it needs no user; none for machine keys). */
export function rolesAllowed(access: Access): readonly Role[] {
  switch (access) {
    case 'PUBLIC':
    case 'ANY':
      return ANY_ROLE;
    case 'ENGINEERING':
      return ENGINEERING;
    case 'ADMIN':
      return [Role.ADMIN];
    case 'RIG_KEY':
    case 'EQUIPMENT_KEY':
      return [];
  }
}

type Rows = Record<string, Access | [Access, string]>;

function rows(owner: Owner, table: Rows): Record<string, AccessRule> {
  return Object.fromEntries(
    Object.entries(table).map(([coordinate, v]) => [coordinate, Array.isArray(v) ? { who: v[0], owner, note: v[1] } : { who: v, owner }]),
  );
}

const THROUGH_MATERIAL = "reached through tracking's roll/sheet";

/**
 * GraphQL operations by schema coordinate (`Query.roll`, `Mutation.releaseHold`, `Roll.map` for a
 * field one subgraph adds to another's entity).
 */
export const GRAPHQL_ACCESS: Readonly<Record<string, AccessRule>> = {
  ...rows('tracking', {
    'Mutation.login': ['PUBLIC', 'throttled per username and address (contracts.md, Auth)'],
    'Query.me': 'ANY',
    'Query.users': 'ADMIN',
    'Mutation.createUser': 'ADMIN',
    'Query.sites': 'ANY',
    'Query.lines': 'ANY',
    'Query.stations': 'ANY',
    'Query.equipment': 'ANY',
    'Query.products': 'ANY',
    'Query.product': 'ANY',
    'Query.routeVersions': 'ANY',
    'Mutation.createSite': 'ADMIN',
    'Mutation.createLine': 'ADMIN',
    'Mutation.createStation': 'ENGINEERING',
    'Mutation.createEquipment': 'ENGINEERING',
    'Mutation.createProduct': 'ENGINEERING',
    'Mutation.createRouteVersion': 'ENGINEERING',
    'Query.roll': 'ANY',
    'Query.rolls': 'ANY',
    'Query.sheet': 'ANY',
    'Query.sheets': 'ANY',
    'Query.unitHistory': 'ANY',
    'Mutation.registerRoll': 'ANY',
    'Mutation.spliceRolls': 'ANY',
    'Mutation.slitRoll': 'ANY',
    'Mutation.cutSheets': 'ANY',
    'Query.patternLayouts': 'ANY',
    'Query.patternLayout': 'ANY',
    'Query.patterningRun': 'ANY',
    'Mutation.createPatternLayout': 'ENGINEERING',
    'Mutation.releasePatternLayout': ['ENGINEERING', 'electronic signature: password and meaning'],
    'Mutation.obsoletePatternLayout': 'ENGINEERING',
    'Mutation.allowPatternLayout': 'ENGINEERING',
    'Mutation.disallowPatternLayout': 'ENGINEERING',
    'Mutation.recordPatterning': ['ANY', 'the sheet tracked in at PATTERNING on that station'],
    'Mutation.scan': 'ANY',
    'Mutation.recountSheet': ['ENGINEERING', 'the binning worker (svc-binning-worker) after a re-bin'],
    'Query.holdList': 'ANY',
    'Query.hold': 'ANY',
    'Query.heldCells': 'ANY',
    'Query.cellStates': 'ANY',
    'Mutation.placeHold': 'ANY',
    'Mutation.releaseHold': ['ENGINEERING', 'electronic signature: password and meaning'],
    'Query.auditTrail': 'ENGINEERING',
    'Mutation.verifySignature': ['ANY', "the signed-in user's own password; a wrong one counts as a failed login"],
  }),
  ...rows('test-data', {
    'Mutation.registerRig': 'ENGINEERING',
    'Query.rigKeys': 'ADMIN',
    'Mutation.revokeRigKey': 'ADMIN',
    'Mutation.rotateRigKey': 'ADMIN',
    'Query.rigForKey': ['ADMIN', "the services' own accounts (svc-*) ask it"],
    'Query.sheetMap': 'ANY',
    'Query.rollMap': 'ANY',
    'Query.cellResult': 'ANY',
    'Query.binPareto': 'ANY',
    'Query.rollYield': 'ANY',
    'Query.sheetTests': 'ANY',
    'Query.regionYield': 'ANY',
    'Roll.map': ['ANY', THROUGH_MATERIAL],
    'Roll.yield': ['ANY', THROUGH_MATERIAL],
    'Roll.binPareto': ['ANY', THROUGH_MATERIAL],
    'Sheet.map': ['ANY', THROUGH_MATERIAL],
    'Sheet.yield': ['ANY', THROUGH_MATERIAL],
    'Sheet.binPareto': ['ANY', THROUGH_MATERIAL],
    'Sheet.tests': ['ANY', THROUGH_MATERIAL],
    'Query.productTestPolicy': 'ANY',
    'Mutation.setProductTestPolicy': 'ENGINEERING',
    'Query.ruleSets': 'ANY',
    'Query.rebinRequest': 'ANY',
    'Mutation.createRuleSetDraft': 'ENGINEERING',
    'Mutation.releaseRuleSet': ['ENGINEERING', 'electronic signature: password and meaning'],
    'Mutation.rebin': 'ENGINEERING',
    'Query.testDataAuditTrail': 'ENGINEERING',
    'Query.cellSpectrum': 'ANY',
    'Query.sheetDefects': 'ANY',
    'Query.rollDefectDensity': 'ANY',
    'Query.defectCorrelation': 'ANY',
    'Sheet.defects': ['ANY', THROUGH_MATERIAL],
    'Sheet.defectDensity': ['ANY', THROUGH_MATERIAL],
    'Sheet.inspections': ['ANY', THROUGH_MATERIAL],
    'Roll.defectDensity': ['ANY', THROUGH_MATERIAL],
    'Roll.defectCorrelation': ['ANY', THROUGH_MATERIAL],
    'SheetMap.valuesFloat32': 'ANY',
    'RollMap.valuesFloat32': 'ANY',
    'Query.spcCharts': 'ANY',
    'Query.spcChart': 'ANY',
    'Query.spcEvents': 'ANY',
    'Mutation.createSpcChart': 'ENGINEERING',
    'Mutation.freezeSpcLimits': 'ENGINEERING',
    'Mutation.acknowledgeSpcEvent': 'ENGINEERING',
    'Query.sheetPatterns': 'ANY',
    'Query.rollPatterns': 'ANY',
    'Query.stackedMap': 'ANY',
    'Query.rollCorrelation': 'ANY',
    'Mutation.requestRollCorrelation': 'ENGINEERING',
    'Sheet.patterns': ['ANY', THROUGH_MATERIAL],
    'Sheet.spcPoints': ['ANY', THROUGH_MATERIAL],
    'Roll.patterns': ['ANY', THROUGH_MATERIAL],
    'Roll.sheetPatterns': ['ANY', THROUGH_MATERIAL],
    'Roll.spcPoints': ['ANY', THROUGH_MATERIAL],
    'Roll.correlation': ['ANY', THROUGH_MATERIAL],
    'Roll.spcEvents': ['ANY', THROUGH_MATERIAL],
  }),
  ...rows('process', {
    'Query.recipes': 'ANY',
    'Query.recipe': 'ANY',
    'Query.routeStepRecipes': 'ANY',
    'Mutation.createRecipe': 'ENGINEERING',
    'Mutation.releaseRecipe': ['ENGINEERING', 'electronic signature: password and meaning'],
    'Mutation.obsoleteRecipe': 'ENGINEERING',
    'Mutation.setRouteStepRecipes': 'ENGINEERING',
    'Query.processRun': 'ANY',
    'Query.processRuns': 'ANY',
    'Query.experiment': 'ANY',
    'Query.experiments': 'ANY',
    'Mutation.startProcessRun': 'ANY',
    'Mutation.completeProcessRun': 'ANY',
    'Mutation.createExperiment': 'ENGINEERING',
    'Query.equipmentStatus': 'ANY',
    'Query.equipmentStatuses': 'ANY',
    'Mutation.setEquipmentState': 'ANY',
    'Mutation.configureEquipment': 'ENGINEERING',
    'Mutation.replaceTarget': 'ENGINEERING',
    'Mutation.issueEquipmentKey': 'ENGINEERING',
    'Query.equipmentKeys': 'ADMIN',
    'Mutation.revokeEquipmentKey': 'ADMIN',
    'Mutation.rotateEquipmentKey': 'ADMIN',
    'Query.cellProvenance': 'ANY',
    'Query.sheetPredictedCapacity': 'ANY',
    'Query.runWhereUsed': 'ANY',
    'Query.parameterTrend': 'ANY',
    'Query.thicknessMaps': 'ANY',
    'Query.productProcessSettings': 'ANY',
    'Mutation.postThicknessMap': 'ANY',
    'Mutation.setLcoUtilization': 'ENGINEERING',
    'Query.yieldByParameter': 'ANY',
    'Query.experimentYield': 'ANY',
    'Query.yieldByParameterComparison': 'ANY',
    'Query.experimentYieldComparison': 'ANY',
    'Query.processAudit': 'ANY',
    'Roll.processRuns': ['ANY', THROUGH_MATERIAL],
  }),
  ...rows('assembly', {
    'Query.stackProducts': 'ANY',
    'Query.workOrders': 'ANY',
    'Mutation.createStackProduct': 'ENGINEERING',
    'Mutation.createWorkOrder': 'ENGINEERING',
    'Query.pickMap': 'ANY',
    'Query.singulationYield': 'ANY',
    'Mutation.reportSingulation': 'ANY',
    'Query.stack': 'ANY',
    'Query.stackProposal': 'ANY',
    'Query.stacksWhereUsed': 'ANY',
    'Query.stacksWhereUsedByHold': 'ANY',
    'Query.stacksWhereUsedByRun': 'ANY',
    'Mutation.startStack': 'ANY',
    'Mutation.addStackLayer': 'ANY',
    'Mutation.postStackTest': 'ANY',
    'Mutation.scanStack': 'ANY',
    'Query.cyclingByProduct': 'ANY',
    'Mutation.importCyclerResults': 'ENGINEERING',
  }),
};

/** REST routes by `METHOD path` as the app declares it (Express parameters: `:sheet`, `*path`). */
export const REST_ACCESS: Readonly<Record<string, AccessRule>> = {
  ...rows('tracking', {
    'POST /api/v1/scans': ['ANY', 'the scan mutation for scanner terminals; the scan is recorded as that user'],
  }),
  ...rows('test-data', {
    'POST /api/v1/sheet-tests': ['RIG_KEY', "a rig of a SHEET_TEST station; the sheet must be free or at the rig's station"],
    'GET /api/v1/sheet-tests/queue': ['RIG_KEY', 'a rig of a SHEET_TEST station'],
    'GET /api/v1/sheet-tests/:sheetTestId': ['RIG_KEY', 'any SHEET_TEST rig: test ids are not secret between rigs'],
    'GET /api/v1/exports/sheet-tests/:sheetTestId.csv': 'ANY',
    'GET /api/v1/exports/sheet-tests/:sheetTestId.stdf': 'ANY',
    'GET /api/v1/exports/sheets/:sheet/results.csv': 'ANY',
    'GET /api/v1/exports/sheets/:sheet/results.stdf': 'ANY',
    'GET /api/v1/exports/sheets/:sheet/bins.csv': 'ANY',
    'GET /api/v1/exports/sheets/:sheet/e142.xml': 'ANY',
    'GET /api/v1/exports/rolls/:roll/cells.csv': 'ANY',
    'GET /api/v1/exports/rolls/:roll/cells.stdf': 'ANY',
    'GET /api/v1/exports/rolls/:roll/bins.csv': 'ANY',
    'POST /api/v1/exports/sheets/:sheet/pick-result': ['ANY', 'the import is recorded as that user'],
    'GET /api/v1/exports/sheets/:sheet/pick-result.csv': 'ANY',
    'GET /api/v1/live/sheets/:sheet': ['ANY', 'server-sent events'],
    'POST /api/v1/lab-spectra': ['ENGINEERING', 'the named lab rig must be registered'],
    'POST /api/v1/inspections': ['RIG_KEY', 'a rig of an INSPECTION station (registerRig)'],
  }),
  ...rows('process', {
    'POST /api/v1/equipment-traces': ['EQUIPMENT_KEY', 'only for runs on the equipment the key was issued to'],
  }),
  ...rows('assembly', {
    'GET /api/v1/pick-maps/:file': ['ANY', '{sheet}.csv, ?strategy=GRADED or KITS'],
    'POST /api/v1/stack-tests': ['RIG_KEY', 'a rig of a STACK_TEST station'],
  }),
  ...rows('gateway', {
    'ALL /api/v1/*path': ['PUBLIC', 'any /api/v1 path no service serves: 404 in the contract shape'],
  }),
};

/** Routes every app serves for operators and the tests; never proxied to clients' data. */
export const SERVICE_ROUTES: readonly string[] = ['GET /health', 'GET /health/routes'];
