import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { signatureAuditDetails, type Actor, type SignatureInput } from '@mes/auth';
import { ruleSetVersionFor } from '@mes/binning';
import { DomainError } from '@mes/service-core';
import { TrackingClient } from '@mes/tracking-client';
import { AuditService } from '../audit/audit.service';
import { type RebinRequestEntity, type RuleSetEntity, RuleSetRepository } from '@mes/test-data-store';
import { SheetTestQueue } from '../ingest/sheet-test.queue';
import type { RebinInput, RebinRequestModel, RuleSetVersionModel } from './rule-set.model';

/**
 * Versions of each product's bin rule set and re-binning. Version 1 is the library's default as-made
 * rule set for the product's cell area, created on first use (here or by the binning worker, the same
 * row either way); engineers create DRAFTs from JSON and release them; a rebin request re-bins the
 * tests of a sheet, a roll or a time range in the background with the newest released versions.
 */
@Injectable()
export class RuleSetService {
  private readonly logger = new Logger(RuleSetService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: RuleSetRepository,
    private readonly tracking: TrackingClient,
    private readonly audit: AuditService,
    private readonly queue: SheetTestQueue,
  ) {}

  async ruleSets(productCode: string): Promise<RuleSetVersionModel[]> {
    const area = await this.productArea(productCode);
    await this.db.transaction((m) => this.repository.ensureFirstVersion(m, productCode, area));
    return (await this.repository.versions(productCode)).map(toModel);
  }

  async createDraft(actor: Actor, productCode: string, ruleSetJson: string): Promise<RuleSetVersionModel> {
    let proposal: unknown;
    try {
      proposal = JSON.parse(ruleSetJson);
    } catch (e) {
      throw new DomainError('VALIDATION_FAILED', `ruleSet is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, [
        { path: 'ruleSet', message: 'expected a rule set as JSON text' },
      ]);
    }
    const area = await this.productArea(productCode);
    return this.db.transaction(async (m) => {
      await this.repository.lockProduct(m, productCode);
      await this.repository.ensureFirstVersion(m, productCode, area);
      const next = await this.repository.nextVersion(m, productCode);
      const prepared = ruleSetVersionFor(proposal, next, area);
      if (!prepared.ok) {
        const details = prepared.issues.map((i) => ({
          path: i.path === '$' ? 'ruleSet' : `ruleSet.${i.path}`,
          message: i.ruleId ? `rule "${i.ruleId}": ${i.message}` : i.message,
        }));
        throw new DomainError(
          'VALIDATION_FAILED',
          `Invalid rule set for ${productCode}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
          details,
        );
      }
      const row = await this.repository.insert(m, {
        productCode,
        version: next,
        name: prepared.ruleSet.name,
        status: 'DRAFT',
        ruleSet: prepared.ruleSet,
        createdBy: actor.username,
        createdAt: new Date(),
        releasedBy: null,
        releasedAt: null,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_RULE_SET_DRAFT',
        entityType: 'RuleSet',
        entityKey: `${productCode} v${next}`,
        after: { productCode, version: next, name: row.name, status: 'DRAFT' },
      });
      return toModel(row);
    });
  }

  /** Release a DRAFT with an electronic signature: tracking checks the password first, so a refused signature changes nothing. */
  async release(
    actor: Actor,
    productCode: string,
    version: number,
    signature: SignatureInput,
    address: string,
  ): Promise<RuleSetVersionModel> {
    const signed = await this.tracking.verifySignature(actor, signature, address);
    const area = await this.productArea(productCode);
    return this.db.transaction(async (m) => {
      const row = await this.repository.lockVersion(m, productCode, version);
      if (!row)
        throw new DomainError('NOT_FOUND', `Product ${productCode} has no rule set version ${version}`, [
          { path: 'version', message: 'expected a version of the product’s rule set' },
        ]);
      if (row.status !== 'DRAFT')
        throw new DomainError('CONFLICT', `Rule set ${productCode} v${version} is ${row.status} already: only a DRAFT can be released`);
      const checked = ruleSetVersionFor(row.ruleSet, version, area);
      if (!checked.ok)
        throw new DomainError(
          'VALIDATION_FAILED',
          `Rule set ${productCode} v${version} is not valid: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        );
      row.status = 'RELEASED';
      row.releasedBy = actor.username;
      row.releasedAt = new Date();
      await this.repository.save(m, row);
      await this.audit.record(m, {
        actor: actor.username,
        action: 'RELEASE_RULE_SET',
        entityType: 'RuleSet',
        entityKey: `${productCode} v${version}`,
        before: { status: 'DRAFT' },
        after: { status: 'RELEASED' },
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'SIGNATURE',
        entityType: 'RuleSet',
        entityKey: `${productCode} v${version}`,
        after: signatureAuditDetails(signed, `RELEASE_RULE_SET ${productCode} v${version}`),
      });
      return toModel(row);
    });
  }

  /** Stores the request (with its audit record), then hands it to the workers; answers at once. */
  async rebin(actor: Actor, input: RebinInput): Promise<RebinRequestModel> {
    const scope = rebinScope(input);
    const tests = await this.repository.binnedTestsInScope(scope);
    if (tests === 0) {
      const what = scope.sheet
        ? `sheet ${scope.sheet}`
        : scope.roll
          ? `roll ${scope.roll}`
          : `tests received from ${scope.receivedFrom} to ${scope.receivedTo}`;
      throw new DomainError('VALIDATION_FAILED', `Nothing to re-bin: no binned tests of ${what}`, [
        { path: scope.sheet ? 'sheet' : scope.roll ? 'roll' : 'receivedFrom', message: 'expected a scope with binned tests' },
      ]);
    }
    const request = await this.db.transaction(async (m) => {
      const row = await this.repository.insertRebinRequest(m, {
        id: randomUUID(),
        scope,
        status: 'QUEUED',
        requestedBy: actor.username,
        requestedAt: new Date(),
        testsInScope: null,
        testsRebinned: null,
        error: null,
        finishedAt: null,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'REBIN',
        entityType: 'RebinRequest',
        entityKey: row.id,
        after: { scope, testsInScope: tests },
      });
      return row;
    });
    await this.queue.enqueueRebin(request.id).catch((e: unknown) => {
      // Stored: the sweeper hands it to the workers once Redis answers again.
      this.logger.warn(`rebin request ${request.id} stored but not enqueued yet: ${e instanceof Error ? e.message : String(e)}`);
    });
    return toRequestModel(request);
  }

  async rebinRequest(id: string): Promise<RebinRequestModel> {
    const row = await this.repository.rebinRequest(id);
    if (!row)
      throw new DomainError('NOT_FOUND', `Unknown rebin request ${id}: expected the id rebin returned`, [
        { path: 'id', message: 'expected a rebin request id' },
      ]);
    return toRequestModel(row);
  }

  private async productArea(productCode: string): Promise<number> {
    const product = await this.tracking.product(productCode);
    if (!product)
      throw new DomainError('NOT_FOUND', `Unknown product ${productCode}: expected the code of a product in tracking`, [
        { path: 'productCode', message: 'expected a known product code' },
      ]);
    return product.cellActiveAreaCm2;
  }
}

/** Exactly one scope: a sheet, a roll, or a complete time range with from before to. */
function rebinScope(input: RebinInput): RebinRequestEntity['scope'] {
  const range = input.receivedFrom !== undefined || input.receivedTo !== undefined;
  const kinds = [input.sheet !== undefined, input.roll !== undefined, range].filter(Boolean).length;
  if (kinds !== 1) {
    throw new DomainError('VALIDATION_FAILED', 'rebin needs exactly one scope: a sheet, a roll, or receivedFrom and receivedTo', [
      { path: 'input', message: 'expected exactly one of sheet, roll, or receivedFrom with receivedTo' },
    ]);
  }
  if (input.sheet !== undefined) return { sheet: input.sheet };
  if (input.roll !== undefined) return { roll: input.roll };
  const from = input.receivedFrom;
  const to = input.receivedTo;
  if (!from || !to)
    throw new DomainError('VALIDATION_FAILED', 'A time range needs both receivedFrom and receivedTo', [
      { path: from ? 'receivedTo' : 'receivedFrom', message: 'expected a time' },
    ]);
  if (!(from.getTime() < to.getTime())) {
    throw new DomainError('VALIDATION_FAILED', `receivedFrom (${from.toISOString()}) must be before receivedTo (${to.toISOString()})`, [
      { path: 'receivedTo', message: 'expected a time after receivedFrom' },
    ]);
  }
  return { receivedFrom: from.toISOString(), receivedTo: to.toISOString() };
}

function toModel(r: RuleSetEntity): RuleSetVersionModel {
  return {
    productCode: r.productCode,
    version: r.version,
    name: r.name,
    status: r.status,
    ruleSet: JSON.stringify(r.ruleSet),
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    releasedBy: r.releasedBy,
    releasedAt: r.releasedAt,
  };
}

function toRequestModel(r: RebinRequestEntity): RebinRequestModel {
  return {
    id: r.id,
    status: r.status,
    sheet: r.scope.sheet ?? null,
    roll: r.scope.roll ?? null,
    receivedFrom: r.scope.receivedFrom ? new Date(r.scope.receivedFrom) : null,
    receivedTo: r.scope.receivedTo ? new Date(r.scope.receivedTo) : null,
    testsInScope: r.testsInScope,
    testsRebinned: r.testsRebinned,
    error: r.error,
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt,
    finishedAt: r.finishedAt,
  };
}
