import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { signatureAuditDetails, type Actor, type SignatureInput } from '@mes/auth';
import {
  alignmentProblems,
  misregistration,
  patternLayoutProblems,
  patternSheetLayout,
  sheetCellPositions,
  type PatternLayoutSpec,
  type SheetAlignment,
} from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import { HoldService } from '../holds/hold.service';
import { IdentityService } from '../identity/identity.service';
import type { ProductEntity, StationEntity } from '../master-data/master-data.entities';
import { MasterDataRepository } from '../master-data/master-data.repository';
import { MasterDataService } from '../master-data/master-data.service';
import type { SheetEntity } from '../material/material.entities';
import { MaterialRepository } from '../material/material.repository';
import type { PatternLayoutEntity, PatternLayoutState } from './patterning.entities';
import { PatterningRepository } from './patterning.repository';
import type {
  CreatePatternLayoutInput,
  PatterningRunModel,
  PatternLayoutModel,
  PatternLayoutRefInput,
  PatternLayoutStateEnum,
  ProductPatternLayoutInput,
  RecordPatterningInput,
} from './patterning.model';

/** The route operation that patterns sheets (DOMAIN OP-080). */
export const PATTERNING_OPERATION = 'PATTERNING';
const TOOL_SETTING_NAME = /^[a-z][a-z0-9_]{0,47}$/;
const MAX_TOOL_SETTINGS = 50;

type Problem = { path: string; message: string };

function refuse(what: string, problems: Problem[]): void {
  if (problems.length) throw new DomainError('VALIDATION_FAILED', `${what}: ${problems.map((p) => p.message).join('; ')}`, problems);
}

export function specOf(l: PatternLayoutEntity): PatternLayoutSpec {
  return {
    rows: l.rows,
    cols: l.cols,
    cellMdMm: l.cellMdMm,
    cellCdMm: l.cellCdMm,
    pitchMdMm: l.pitchMdMm,
    pitchCdMm: l.pitchCdMm,
    firstCellMdMm: l.firstCellMdMm,
    firstCellCdMm: l.firstCellCdMm,
    kerfMm: l.kerfMm,
    fiducials: l.fiducials,
    maxOffsetMm: l.maxOffsetMm,
    maxRotationDeg: l.maxRotationDeg,
  };
}

/** Problems with a station's tool settings: an object of named numbers or short texts. */
export function toolSettingProblems(settings: unknown): Problem[] {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
    return [
      {
        path: 'input.toolSettings',
        message: `toolSettings: expected an object of names to numbers or texts, got ${JSON.stringify(settings)}`,
      },
    ];
  const entries = Object.entries(settings as Record<string, unknown>);
  const out: Problem[] = [];
  if (entries.length > MAX_TOOL_SETTINGS)
    out.push({
      path: 'input.toolSettings',
      message: `toolSettings: expected at most ${MAX_TOOL_SETTINGS} settings, got ${entries.length}`,
    });
  for (const [name, value] of entries.slice(0, MAX_TOOL_SETTINGS)) {
    const path = `input.toolSettings.${name}`;
    if (!TOOL_SETTING_NAME.test(name))
      out.push({ path, message: `toolSettings: "${name.slice(0, 60)}" is not a setting name (a-z, 0-9, _; 1-48)` });
    else if (!(
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.length >= 1 && value.length <= 200)
    ))
      out.push({
        path,
        message: `toolSettings.${name}: expected a finite number or a text of 1 to 200 characters, got ${JSON.stringify(value)}`,
      });
  }
  return out;
}

/**
 * Pattern layouts (versioned, released with a signature, allowed per product) and the patterning of
 * sheets: a run gives the sheet the layout's grid (its cells are written again, in the same
 * transaction), records the alignment, and holds the sheet when the alignment is past tolerance.
 */
@Injectable()
export class PatterningService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly identity: IdentityService,
    private readonly holds: HoldService,
    private readonly masterData: MasterDataService,
    private readonly masterDataRepo: MasterDataRepository,
    private readonly material: MaterialRepository,
    private readonly layouts: PatterningRepository,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: CreatePatternLayoutInput): Promise<PatternLayoutModel> {
    const spec: PatternLayoutSpec = { ...input, fiducials: input.fiducials.map((f) => ({ mdMm: f.mdMm, cdMm: f.cdMm })) };
    refuse(
      `Pattern layout ${input.name} is not valid`,
      patternLayoutProblems(spec).map((p) => ({ path: `input.${p.path}`, message: p.message })),
    );
    const saved = await this.db.transaction(async (m) => {
      // Two engineers saving one name at once get versions n and n+1.
      await this.layouts.lockLayoutName(m, input.name);
      const latest = await this.layouts.latestLayoutVersion(m, input.name);
      const layout = await this.layouts.insertLayout(m, {
        ...spec,
        name: input.name,
        version: (latest?.version ?? 0) + 1,
        state: 'DRAFT',
        description: input.description ?? '',
        createdBy: actor.username,
        releasedBy: null,
        releasedAt: null,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'PATTERN_LAYOUT_CREATED',
        entityType: 'PatternLayout',
        entityKey: `${layout.name}@${layout.version}`,
        after: spec,
      });
      return layout;
    });
    return this.toModel(saved);
  }

  /** DRAFT -> RELEASED with an electronic signature, checked first: a refused signature changes nothing. */
  async release(actor: Actor, ref: PatternLayoutRefInput, signature: SignatureInput, address: string): Promise<PatternLayoutModel> {
    const signed = await this.identity.verifySignature(actor, signature, address);
    return this.transition(actor, ref, 'RELEASED', async (m, key) => {
      await this.audit.record(m, {
        actor: actor.username,
        action: 'SIGNATURE',
        entityType: 'PatternLayout',
        entityKey: key,
        after: signatureAuditDetails(signed, `PATTERN_LAYOUT_RELEASED ${key}`),
      });
    });
  }

  /**
   * The demo layout the seeder releases at first start, the one release no person signs: the audit
   * record says so (as for the demo recipes).
   */
  releaseDemoSeed(actor: Actor, ref: PatternLayoutRefInput): Promise<PatternLayoutModel> {
    return this.transition(actor, ref, 'RELEASED', async (m, key) => {
      await this.audit.record(m, {
        actor: actor.username,
        action: 'PATTERN_LAYOUT_UNSIGNED',
        entityType: 'PatternLayout',
        entityKey: key,
        after: { unsigned: 'demo layout released by the seeder at first start; no person signed' },
      });
    });
  }

  /** RELEASED -> OBSOLETE: sheets already patterned keep their grid; no new sheet may use it. */
  obsolete(actor: Actor, ref: PatternLayoutRefInput): Promise<PatternLayoutModel> {
    return this.transition(actor, ref, 'OBSOLETE');
  }

  private async transition(
    actor: Actor,
    ref: PatternLayoutRefInput,
    to: 'RELEASED' | 'OBSOLETE',
    alsoRecord?: (m: EntityManager, key: string) => Promise<void>,
  ): Promise<PatternLayoutModel> {
    const from: PatternLayoutState = to === 'RELEASED' ? 'DRAFT' : 'RELEASED';
    const saved = await this.db.transaction(async (m) => {
      const layout = await this.lockLayout(m, ref);
      const key = `${layout.name}@${layout.version}`;
      if (layout.state !== from)
        throw new DomainError(
          'CONFLICT',
          `Pattern layout ${key} is ${layout.state}; only a ${from} layout can become ${to}${to === 'RELEASED' ? ' (a released layout never changes: create a new version)' : ''}`,
        );
      layout.state = to;
      if (to === 'RELEASED') Object.assign(layout, { releasedBy: actor.username, releasedAt: new Date() });
      await this.layouts.saveLayout(m, layout);
      await this.audit.record(m, {
        actor: actor.username,
        action: `PATTERN_LAYOUT_${to}`,
        entityType: 'PatternLayout',
        entityKey: key,
        before: { state: from },
        after: { state: to },
      });
      await alsoRecord?.(m, key);
      return layout;
    });
    return this.toModel(saved);
  }

  /** Allow a product to be patterned with a released layout that fits its sheet. */
  async allow(actor: Actor, input: ProductPatternLayoutInput): Promise<PatternLayoutModel> {
    const saved = await this.db.transaction(async (m) => {
      const product = await this.product(m, input.productCode);
      const layout = await this.lockLayout(m, input.layout, 'input.layout');
      const key = `${layout.name}@${layout.version}`;
      if (layout.state !== 'RELEASED')
        throw new DomainError('CONFLICT', `Pattern layout ${key} is ${layout.state}; only a RELEASED layout can be allowed for a product`, [
          { path: 'input.layout', message: 'expected a RELEASED layout version' },
        ]);
      refuse(
        `Pattern layout ${key} does not fit a sheet of product ${product.code} (${product.sheetLengthMdMm} mm long)`,
        patternLayoutProblems(specOf(layout), { sheetLengthMdMm: product.sheetLengthMdMm }).map((p) => ({
          path: 'input.layout',
          message: p.message,
        })),
      );
      await this.layouts.allow(m, { productId: product.id, layoutId: layout.id, allowedBy: actor.username });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'PATTERN_LAYOUT_ALLOWED',
        entityType: 'Product',
        entityKey: product.code,
        after: { layout: key },
      });
      return layout;
    });
    return this.toModel(saved);
  }

  /** Take a layout off a product's list: sheets patterned with it keep their grid. */
  async disallow(actor: Actor, input: ProductPatternLayoutInput): Promise<PatternLayoutModel> {
    const saved = await this.db.transaction(async (m) => {
      const product = await this.product(m, input.productCode);
      const layout = await this.lockLayout(m, input.layout, 'input.layout');
      if (!(await this.layouts.disallow(m, product.id, layout.id)))
        throw new DomainError('NOT_FOUND', `Product ${product.code} does not allow pattern layout ${layout.name}@${layout.version}`, [
          { path: 'input.layout', message: 'expected a layout the product allows' },
        ]);
      await this.audit.record(m, {
        actor: actor.username,
        action: 'PATTERN_LAYOUT_DISALLOWED',
        entityType: 'Product',
        entityKey: product.code,
        before: { layout: `${layout.name}@${layout.version}` },
      });
      return layout;
    });
    return this.toModel(saved);
  }

  /**
   * A sheet patterned at its PATTERNING step: refused (nothing stored) for a layout that is not
   * released or not allowed for the product, or that does not fit the sheet or the web; recorded
   * with the sheet's new grid otherwise, and the sheet held when the alignment is past tolerance.
   */
  async record(actor: Actor, input: RecordPatterningInput): Promise<PatterningRunModel> {
    const alignment: SheetAlignment = {
      offsetMdMm: input.alignment.offsetMdMm,
      offsetCdMm: input.alignment.offsetCdMm,
      rotationDeg: input.alignment.rotationDeg,
    };
    refuse(`Patterning of sheet ${input.sheetBarcode} refused`, [
      ...toolSettingProblems(input.toolSettings),
      ...alignmentProblems(alignment).map((p) => ({ path: `input.alignment.${p.path}`, message: `alignment.${p.message}` })),
    ]);
    const toolSettings = input.toolSettings as Record<string, number | string>;
    const placedHold = { value: false };
    const run = await this.db.transaction(async (m) => {
      const sheet = await this.material.lockSheetByBarcode(m, input.sheetBarcode);
      if (!sheet)
        throw new DomainError('UNKNOWN_BARCODE', `Unknown sheet barcode ${input.sheetBarcode}`, [
          { path: 'input.sheetBarcode', message: 'expected a sheet' },
        ]);
      const station = await this.masterDataRepo.stationByCode(input.stationCode, m);
      if (!station)
        throw new DomainError('NOT_FOUND', `Unknown station ${input.stationCode}`, [
          { path: 'input.stationCode', message: 'expected an existing station code' },
        ]);
      await this.refuseUnlessAtPatterning(m, sheet, station);
      const earlier = await this.layouts.runOfSheetId(m, sheet.id);
      if (earlier) {
        const was = await this.layouts.layoutById(m, earlier.layoutId);
        throw new DomainError(
          'CONFLICT',
          `Sheet ${sheet.barcode} was already patterned with ${was.name}@${was.version} by ${earlier.recordedBy} at ${earlier.recordedAt.toISOString()}; a sheet is patterned once`,
        );
      }
      const layout = await this.lockLayout(m, input.layout, 'input.layout');
      const key = `${layout.name}@${layout.version}`;
      if (layout.state !== 'RELEASED')
        throw new DomainError('VALIDATION_FAILED', `Pattern layout ${key} is ${layout.state}; only a RELEASED layout may be patterned`, [
          { path: 'input.layout', message: 'expected a RELEASED layout version' },
        ]);
      const product = await this.masterDataRepo.productById(sheet.productId, m);
      if (!(await this.layouts.isAllowed(m, product.id, layout.id))) {
        const list = await this.layouts.allowedNames(m, product.id);
        throw new DomainError(
          'VALIDATION_FAILED',
          `Product ${product.code} does not allow pattern layout ${key} (allowed: ${list.length ? list.join(', ') : 'none; an engineer allows layouts with allowPatternLayout'})`,
          [{ path: 'input.layout', message: `expected one of the layouts product ${product.code} allows` }],
        );
      }
      const roll = await this.material.rollEntityById(m, sheet.rollId);
      refuse(
        `Pattern layout ${key} does not fit sheet ${sheet.barcode} (${product.sheetLengthMdMm} mm on a ${roll.widthMm} mm web)`,
        patternLayoutProblems(specOf(layout), { sheetLengthMdMm: product.sheetLengthMdMm, webWidthMm: roll.widthMm }).map((p) => ({
          path: 'input.layout',
          message: p.message,
        })),
      );
      await this.regrid(m, sheet, layout, product.sheetLengthMdMm);
      const saved = await this.layouts.insertRun(m, {
        sheetId: sheet.id,
        layoutId: layout.id,
        stationId: station.id,
        toolSettings,
        ...alignment,
        holdId: null,
        recordedBy: actor.username,
      });
      const off = misregistration(alignment, layout);
      if (off.length) {
        const hold = await this.holds.placeRuleHold(m, actor, {
          sheetId: sheet.id,
          reason: `Misregistered at patterning with ${key}: ${off.join(', ')}`,
          rule: 'MISREGISTRATION',
        });
        saved.holdId = hold.id;
        await this.layouts.setRunHold(m, saved.id, hold.id);
        placedHold.value = true;
      }
      await this.audit.record(m, {
        actor: actor.username,
        action: 'PATTERN_SHEET',
        entityType: 'Sheet',
        entityKey: sheet.barcode,
        before: { rows: sheet.rows, cols: sheet.cols },
        after: { layout: key, station: station.code, toolSettings, alignment, holdId: saved.holdId },
      });
      return (await this.runOfSheet(sheet.barcode, m)) as PatterningRunModel;
    });
    if (placedHold.value) this.holds.countRuleHold('SHEET', 'misregistration rule');
    return run;
  }

  private async refuseUnlessAtPatterning(m: EntityManager, sheet: SheetEntity, station: StationEntity): Promise<void> {
    const steps = await this.masterData.routeSteps(sheet.routeId, m);
    const step = steps.find((s) => s.seq === sheet.stepSeq);
    const ok =
      sheet.status === 'ACTIVE' &&
      step?.operation === PATTERNING_OPERATION &&
      station.operation === PATTERNING_OPERATION &&
      sheet.stepState === 'IN_PROCESS' &&
      sheet.stationId === station.id;
    if (!ok)
      throw new DomainError(
        'WRONG_OPERATION',
        `Sheet ${sheet.barcode} must be tracked in at ${PATTERNING_OPERATION} on station ${station.code} to be patterned (it is ${sheet.status === 'ACTIVE' ? `${sheet.stepState} at ${step?.operation ?? `step ${sheet.stepSeq}`}` : sheet.status}${station.operation !== PATTERNING_OPERATION ? `; ${station.code} performs ${station.operation}` : ''})`,
      );
  }

  /**
   * The sheet takes the layout's grid: rows, cols and every cell's roll position. The cells are
   * written again, so a sheet with cell holds (which name cells) is refused rather than orphaning them.
   */
  private async regrid(m: EntityManager, sheet: SheetEntity, layout: PatternLayoutEntity, sheetLengthMdMm: number): Promise<void> {
    const n = await this.layouts.cellHoldCount(m, sheet.id);
    if (n > 0)
      throw new DomainError(
        'CONFLICT',
        `Sheet ${sheet.barcode} has ${n} cell hold(s) from before patterning; its cells cannot be laid out again (release them first)`,
      );
    const grid = sheetCellPositions(patternSheetLayout(specOf(layout), sheetLengthMdMm), sheet.mdStartMm);
    await this.layouts.regrid(m, sheet, layout, grid);
  }

  async list(filter: { name?: string; state?: PatternLayoutStateEnum }): Promise<PatternLayoutModel[]> {
    const rows = await this.layouts.layouts(filter);
    return Promise.all(rows.map((r) => this.toModel(r)));
  }

  async find(ref: PatternLayoutRefInput): Promise<PatternLayoutModel | null> {
    const l = await this.layouts.layout(ref);
    return l ? this.toModel(l) : null;
  }

  async allowedForProduct(productCode: string): Promise<PatternLayoutModel[]> {
    const layouts = await this.layouts.allowedForProduct(productCode);
    return Promise.all(layouts.map((l) => this.toModel(l)));
  }

  async runOfSheet(sheetBarcode: string, m: EntityManager = this.db.manager): Promise<PatterningRunModel | null> {
    const r = await this.layouts.runRowOfSheet(sheetBarcode, m);
    if (!r) return null;
    const sheet = await this.material.sheetByBarcode(sheetBarcode, m);
    return {
      sheetBarcode: String(r.barcode),
      layoutName: String(r.name),
      layoutVersion: Number(r.version),
      stationCode: String(r.station_code),
      toolSettings: r.tool_settings as Record<string, number | string>,
      alignment: { offsetMdMm: Number(r.offset_md_mm), offsetCdMm: Number(r.offset_cd_mm), rotationDeg: Number(r.rotation_deg) },
      registered: r.hold_id === null,
      holdId: r.hold_id === null ? null : String(r.hold_id),
      holdReason: (r.hold_reason as string | null) ?? null,
      layout: sheet!.layout,
      recordedBy: String(r.recorded_by),
      recordedAt: r.recorded_at as Date,
    };
  }

  private async product(m: EntityManager, code: string): Promise<ProductEntity> {
    const product = await this.masterDataRepo.productByCode(code, m);
    if (!product)
      throw new DomainError('NOT_FOUND', `Unknown product ${code}`, [
        { path: 'input.productCode', message: 'expected an existing product code' },
      ]);
    return product;
  }

  private async lockLayout(m: EntityManager, ref: PatternLayoutRefInput, path = 'layout'): Promise<PatternLayoutEntity> {
    const layout = await this.layouts.lockLayout(m, ref);
    if (!layout) {
      const versions = await this.layouts.versionsOf(m, ref.name);
      throw new DomainError(
        'NOT_FOUND',
        `Unknown pattern layout ${ref.name} version ${ref.version}${versions.length ? ` (versions: ${versions.map((v) => `${v.version} ${v.state}`).join(', ')})` : ''}`,
        [{ path, message: 'expected an existing layout name and version' }],
      );
    }
    return layout;
  }

  private async toModel(l: PatternLayoutEntity): Promise<PatternLayoutModel> {
    const products = await this.layouts.productCodesOf(l.id);
    return {
      name: l.name,
      version: l.version,
      state: l.state as PatternLayoutStateEnum,
      description: l.description,
      ...specOf(l), // the grid, kerf, fiducials and tolerance, as the geometry checks read them
      createdBy: l.createdBy,
      createdAt: l.createdAt,
      releasedBy: l.releasedBy,
      releasedAt: l.releasedAt,
      products,
    };
  }
}
