import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@mes/auth';
import { cellActiveAreaCm2, layoutProblems } from '@mes/geometry';
import { DomainError } from '@mes/service-core';
import { AuditService } from '../audit/audit.service';
import type {
  CreateEquipmentInput,
  CreateLineInput,
  CreateProductInput,
  CreateRouteVersionInput,
  CreateSiteInput,
  CreateStationInput,
  EquipmentModel,
  LineModel,
  ProductModel,
  RouteModel,
  RouteStepInput,
  StationModel,
  UnitLevelEnum,
} from './master-data.model';
import { MasterDataRepository, type CodedEntity } from './master-data.repository';
import {
  EquipmentEntity,
  LineEntity,
  ProductEntity,
  SiteEntity,
  StationEntity,
  type RouteEntity,
  type RouteStepEntity,
} from './master-data.entities';
import { queueTimeProblem, routeProblem } from './route-rules';

@Injectable()
export class MasterDataService {
  // Route versions never change once written, so their steps can be cached for good.
  private readonly stepsByRoute = new Map<string, RouteStepEntity[]>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly repo: MasterDataRepository,
  ) {}

  // ---- sites, lines, stations, equipment

  async createSite(actor: Actor, input: CreateSiteInput) {
    return this.db.transaction(async (m) => {
      await this.refuseDuplicate(m, SiteEntity, input.code, 'Site');
      const site = await this.repo.insertSite(m, input);
      await this.audit.record(m, { actor: actor.username, action: 'CREATE_SITE', entityType: 'Site', entityKey: site.code, after: input });
      return site;
    });
  }

  async createLine(actor: Actor, input: CreateLineInput): Promise<LineModel> {
    return this.db.transaction(async (m) => {
      const site = await this.repo.siteByCode(input.siteCode, m);
      if (!site)
        throw new DomainError('NOT_FOUND', `Unknown site ${input.siteCode}`, [
          { path: 'input.siteCode', message: 'expected an existing site code' },
        ]);
      await this.refuseDuplicate(m, LineEntity, input.code, 'Line');
      const line = await this.repo.insertLine(m, { code: input.code, name: input.name, siteId: site.id });
      await this.audit.record(m, { actor: actor.username, action: 'CREATE_LINE', entityType: 'Line', entityKey: line.code, after: input });
      return { code: line.code, name: line.name, siteCode: site.code };
    });
  }

  async createStation(actor: Actor, input: CreateStationInput): Promise<StationModel> {
    return this.db.transaction(async (m) => {
      const line = await this.repo.lineByCode(input.lineCode, m);
      if (!line)
        throw new DomainError('NOT_FOUND', `Unknown line ${input.lineCode}`, [
          { path: 'input.lineCode', message: 'expected an existing line code' },
        ]);
      await this.refuseDuplicate(m, StationEntity, input.code, 'Station');
      const station = await this.repo.insertStation(m, { code: input.code, name: input.name, operation: input.operation, lineId: line.id });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_STATION',
        entityType: 'Station',
        entityKey: station.code,
        after: input,
      });
      return { code: station.code, name: station.name, operation: station.operation, lineCode: line.code };
    });
  }

  async createEquipment(actor: Actor, input: CreateEquipmentInput): Promise<EquipmentModel> {
    return this.db.transaction(async (m) => {
      const station = await this.repo.stationByCode(input.stationCode, m);
      if (!station)
        throw new DomainError('NOT_FOUND', `Unknown station ${input.stationCode}`, [
          { path: 'input.stationCode', message: 'expected an existing station code' },
        ]);
      await this.refuseDuplicate(m, EquipmentEntity, input.code, 'Equipment');
      const eq = await this.repo.insertEquipment(m, { code: input.code, name: input.name, kind: input.kind, stationId: station.id });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_EQUIPMENT',
        entityType: 'Equipment',
        entityKey: eq.code,
        after: input,
      });
      return { code: eq.code, name: eq.name, kind: eq.kind, stationCode: station.code };
    });
  }

  async sites() {
    return this.repo.sites();
  }

  async lines(): Promise<LineModel[]> {
    return this.repo.lines();
  }

  async stations(operation?: string): Promise<StationModel[]> {
    return this.repo.stations(operation);
  }

  async station(code: string): Promise<StationModel | null> {
    return (await this.stations()).find((s) => s.code === code) ?? null;
  }

  async equipment(stationCode?: string): Promise<EquipmentModel[]> {
    return this.repo.equipment(stationCode);
  }

  // ---- products and routes

  async createProduct(actor: Actor, input: CreateProductInput): Promise<ProductModel> {
    const problems = layoutProblems(input.layout);
    if (problems.length) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid sheet layout: ${problems.join('; ')}`,
        problems.map((message) => ({ path: 'input.layout', message })),
      );
    }
    this.checkRoute(input.route, 'input.route');
    const product = await this.db.transaction(async (m) => {
      await this.refuseDuplicate(m, ProductEntity, input.code, 'Product');
      const p = await this.repo.insertProduct(m, {
        code: input.code,
        name: input.name,
        ...input.layout,
        leaderMm: input.leaderMm ?? 5000,
        trailerMm: input.trailerMm ?? 5000,
      });
      await this.audit.record(m, {
        actor: actor.username,
        action: 'CREATE_PRODUCT',
        entityType: 'Product',
        entityKey: p.code,
        after: input,
      });
      await this.insertRouteVersion(m, actor, p, input.route);
      return p;
    });
    return this.toProductModel(product);
  }

  /** Routes are never edited: a change is a new version; units keep the version they started on. */
  async createRouteVersion(actor: Actor, input: CreateRouteVersionInput): Promise<RouteModel> {
    this.checkRoute(input.steps, 'input.steps');
    return this.db.transaction(async (m) => {
      const product = await this.repo.productByCodeForUpdate(m, input.productCode);
      if (!product) throw new DomainError('NOT_FOUND', `Unknown product ${input.productCode}`);
      const route = await this.insertRouteVersion(m, actor, product, input.steps);
      return this.toRouteModel(route, await this.routeSteps(route.id, m));
    });
  }

  async products(): Promise<ProductModel[]> {
    const products = await this.repo.products();
    return Promise.all(products.map((p) => this.toProductModel(p)));
  }

  async productByCode(code: string): Promise<ProductEntity | null> {
    return this.repo.productByCode(code);
  }

  async productById(id: string, m: EntityManager = this.db.manager): Promise<ProductEntity> {
    return this.repo.productById(id, m);
  }

  async routeVersions(productCode: string): Promise<RouteModel[]> {
    const product = await this.productByCode(productCode);
    if (!product) throw new DomainError('NOT_FOUND', `Unknown product ${productCode}`);
    const routes = await this.repo.routesOfProduct(product.id);
    return Promise.all(routes.map(async (r) => this.toRouteModel(r, await this.routeSteps(r.id))));
  }

  async currentRoute(productId: string, m: EntityManager = this.db.manager): Promise<RouteEntity | null> {
    return this.repo.currentRoute(productId, m);
  }

  async routeSteps(routeId: string, m: EntityManager = this.db.manager): Promise<RouteStepEntity[]> {
    const cached = this.stepsByRoute.get(routeId);
    if (cached) return cached;
    const steps = await this.repo.routeSteps(routeId, m);
    if (steps.length) this.stepsByRoute.set(routeId, steps);
    return steps;
  }

  async stationsByCodes(codes: string[]): Promise<StationEntity[]> {
    return codes.length ? this.repo.stationsByCodes(codes) : [];
  }

  async toProductModel(p: ProductEntity): Promise<ProductModel> {
    const route = await this.currentRoute(p.id);
    return {
      code: p.code,
      name: p.name,
      layout: {
        rows: p.rows,
        cols: p.cols,
        cellMdMm: p.cellMdMm,
        cellCdMm: p.cellCdMm,
        pitchMdMm: p.pitchMdMm,
        pitchCdMm: p.pitchCdMm,
        firstCellMdMm: p.firstCellMdMm,
        firstCellCdMm: p.firstCellCdMm,
        sheetLengthMdMm: p.sheetLengthMdMm,
      },
      cellActiveAreaCm2: cellActiveAreaCm2(p),
      leaderMm: p.leaderMm,
      trailerMm: p.trailerMm,
      currentRoute: route ? this.toRouteModel(route, await this.routeSteps(route.id)) : null,
    };
  }

  private toRouteModel(route: RouteEntity, steps: RouteStepEntity[]): RouteModel {
    return {
      version: route.version,
      createdBy: route.createdBy,
      steps: steps.map((s) => ({
        seq: s.seq,
        operation: s.operation,
        level: s.level as UnitLevelEnum,
        vacuum: s.vacuum,
        maxQueueMinutes: s.maxQueueMinutes,
        maxTemperatureC: s.maxTemperatureC,
      })),
    };
  }

  private checkRoute(steps: RouteStepInput[], path: string): void {
    const problem = routeProblem(steps);
    if (problem) throw new DomainError('VALIDATION_FAILED', `Invalid route: ${problem}`, [{ path, message: problem }]);
    const queue = queueTimeProblem(steps);
    if (queue)
      throw new DomainError('VALIDATION_FAILED', `Invalid route: ${queue.message}`, [
        { path: `${path}[${queue.index}].maxQueueMinutes`, message: queue.message },
      ]);
  }

  private async insertRouteVersion(m: EntityManager, actor: Actor, product: ProductEntity, steps: RouteStepInput[]): Promise<RouteEntity> {
    const last = await this.repo.currentRoute(product.id, m);
    const route = await this.repo.insertRoute(m, { productId: product.id, version: (last?.version ?? 0) + 1, createdBy: actor.username });
    await this.repo.insertRouteSteps(
      m,
      steps.map((s, i) => ({
        routeId: route.id,
        seq: i + 1,
        operation: s.operation,
        level: s.level,
        vacuum: s.vacuum ?? false,
        maxQueueMinutes: s.maxQueueMinutes ?? null,
        maxTemperatureC: s.maxTemperatureC ?? null,
      })),
    );
    await this.audit.record(m, {
      actor: actor.username,
      action: 'CREATE_ROUTE_VERSION',
      entityType: 'Route',
      entityKey: `${product.code}@${route.version}`,
      before: last ? { version: last.version } : null,
      after: { version: route.version, steps },
    });
    return route;
  }

  private async refuseDuplicate(m: EntityManager, entity: CodedEntity, code: string, what: string): Promise<void> {
    if (await this.repo.codeExists(m, entity, code)) {
      throw new DomainError('CONFLICT', `${what} ${code} already exists`, [{ path: 'input.code', message: 'expected a new code' }]);
    }
  }
}
